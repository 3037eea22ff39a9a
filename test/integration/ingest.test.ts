import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createExperiment, eventually, nameOf, sqs, uid } from "./support";

let experimentId: string;
beforeAll(async () => {
  experimentId = await createExperiment();
});

/** Receives from the ingest dead-letter queue until a message with this body shows up. */
async function deadLettered(body: string) {
  return eventually(
    async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: nameOf("IngestQueue/Dlq"),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 0,
          MessageAttributeNames: ["All"],
        }),
      );
      return Messages?.find((m) => m.Body === body);
    },
    30_000,
    "the message on the ingest dead-letter queue",
  );
}

describe("the asynchronous ingest path", () => {
  it("routes a decision sent to the ingest queue through the same router", async () => {
    // Arrange
    const decisionId = uid("q");

    // Act
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: nameOf("IngestQueue/Queue"),
        MessageBody: JSON.stringify({
          experimentId,
          unitId: uid("unit"),
          decisionId,
          item: { topic: "billing" },
          prediction: { label: "approve", confidence: 0.99 },
        }),
      }),
    );

    // Assert
    const stored = await eventually(
      async () => {
        const answer = await call<{ route: string; status: string; experimentId: string }>(
          "GET",
          `/v1/decisions/${decisionId}`,
          {
            role: "analyst",
          },
        );
        return answer.status === 200 ? answer.body : undefined;
      },
      30_000,
      "the routed decision",
    );
    expect(stored).toMatchObject({ experimentId, route: "auto", status: "automated" });
  });

  it("moves a message that is not JSON to the dead-letter queue with the reason, losing nothing", async () => {
    // Arrange
    const body = `not json ${uid("junk")}`;

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: nameOf("IngestQueue/Queue"), MessageBody: body }));

    // Assert
    const message = await deadLettered(body);
    expect(message.MessageAttributes?.errorCode?.StringValue).toBe("malformed_json");
    expect(message.MessageAttributes?.errorMessage?.StringValue).toMatch(/not valid JSON/);
  });

  it("moves a message that is not a decision to the dead-letter queue naming the bad field", async () => {
    // Arrange
    const body = JSON.stringify({
      experimentId,
      unitId: "u",
      item: {},
      prediction: { label: "x", confidence: 7 },
      n: uid("n"),
    });

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: nameOf("IngestQueue/Queue"), MessageBody: body }));

    // Assert
    const message = await deadLettered(body);
    expect(message.MessageAttributes?.errorCode?.StringValue).toBe("validation_failed");
    expect(message.MessageAttributes?.errorMessage?.StringValue).toMatch(/prediction\.confidence/);
  });
});
