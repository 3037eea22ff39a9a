import { describe, expect, it } from "vitest";
import { succeededIds, toRecord } from "../../../local/event-sources";

const ids = ["m1", "m2", "m3"];

describe("which messages of a batch are done", () => {
  it("takes the whole batch as done without ReportBatchItemFailures, whatever the answer", () => {
    expect(succeededIds(ids, { batchItemFailures: [{ itemIdentifier: "m1" }] }, false)).toEqual(ids);
  });

  it("keeps only the reported identifiers for a retry", () => {
    const result = { batchItemFailures: [{ itemIdentifier: "m2" }] };

    expect(succeededIds(ids, result, true)).toEqual(["m1", "m3"]);
  });

  it("takes an empty or missing failure list as full success", () => {
    expect(succeededIds(ids, { batchItemFailures: [] }, true)).toEqual(ids);
    expect(succeededIds(ids, null, true)).toEqual(ids);
    expect(succeededIds(ids, {}, true)).toEqual(ids);
  });

  it("fails the whole batch on an unknown or empty identifier, as Lambda does", () => {
    expect(succeededIds(ids, { batchItemFailures: [{ itemIdentifier: "other" }] }, true)).toEqual([]);
    expect(succeededIds(ids, { batchItemFailures: [{ itemIdentifier: "" }] }, true)).toEqual([]);
    expect(succeededIds(ids, { batchItemFailures: "m1" }, true)).toEqual([]);
  });
});

describe("SQS records", () => {
  it("carry the message the way Lambda's event source mapping shapes it", () => {
    const record = toRecord(
      {
        MessageId: "m1",
        ReceiptHandle: "rh",
        Body: "hello",
        MD5OfBody: "5d41402abc4b2a76b9719d911017c592",
        Attributes: { ApproximateReceiveCount: "2", SentTimestamp: "1700000000000", SenderId: "AIDA" },
        MessageAttributes: {
          kind: { DataType: "String", StringValue: "decision" },
          blob: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2]) },
        },
      },
      "arn:aws:sqs:us-east-1:000000000000:Work",
      "us-east-1",
    );

    expect(record).toMatchObject({
      messageId: "m1",
      receiptHandle: "rh",
      body: "hello",
      attributes: { ApproximateReceiveCount: "2", SentTimestamp: "1700000000000", SenderId: "AIDA" },
      messageAttributes: {
        kind: { stringValue: "decision", dataType: "String", stringListValues: [], binaryListValues: [] },
        blob: { binaryValue: "AQI=", dataType: "Binary" },
      },
      md5OfBody: "5d41402abc4b2a76b9719d911017c592",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:Work",
      awsRegion: "us-east-1",
    });
  });
});
