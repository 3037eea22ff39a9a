import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { reviewIdFor } from "../../core/review/hold";
import { lambdaContext } from "../support/lambda-context";
import { call, cloud, createExperiment, dynamodb, nameOf, uid } from "./support";

type Handler = (
  event: SQSEvent,
  context: Context,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let handler: Handler;
let experimentId: string;

/** The real intake handler, in this process, wired to the local cloud's tables and queues. */
beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: cloud.region,
    AWS_ACCESS_KEY_ID: cloud.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cloud.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: cloud.endpoints.sqs,
    EXPERIMENTS_TABLE: nameOf("ExperimentsTable"),
    DECISIONS_TABLE: nameOf("DecisionsTable"),
    REVIEWS_TABLE: nameOf("ReviewsTable"),
    AUDIT_TABLE: nameOf("AuditTable"),
    REVIEW_INTAKE_DLQ_URL: nameOf("ReviewIntakeQueue/Dlq"),
    // As the function's template sets them (lib/constructs/hitl-function.ts).
    POWERTOOLS_SERVICE_NAME: "review-intake",
    POWERTOOLS_METRICS_NAMESPACE: "HitlLab",
  });
  ({ handler } = (await import("../../functions/review-intake/handler")) as { handler: Handler });
  experimentId = await createExperiment();
});

function holdMessage(decisionId: string, token: string): SQSRecord {
  const now = new Date().toISOString();
  const hold = {
    reviewId: reviewIdFor(decisionId, "review"),
    decisionId,
    experimentId,
    arm: "conservative",
    kind: "review",
    baseQueue: "faults",
    queue: "faults",
    tierIndex: 0,
    tiers: [{ name: "tier-1", slaSeconds: 3600 }],
    slaSeconds: 3600,
    heartbeatSeconds: 300,
    deadline: new Date(Date.now() + 3_600_000).toISOString(),
    fallback: { action: "model" },
    doubleReview: false,
    threshold: 0.95,
    createdAt: now,
    round: 1,
    requiredVerdicts: 1,
  };
  return {
    messageId: uid("m"),
    receiptHandle: "r",
    body: JSON.stringify({ taskToken: token, hold }),
    attributes: {} as SQSRecord["attributes"],
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:ReviewIntakeQueue",
    awsRegion: "us-east-1",
  };
}

async function routed(decisionId: string): Promise<void> {
  const answer = await call("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId,
      unitId: uid("u"),
      decisionId,
      item: {},
      prediction: { label: "approve", confidence: 0.99 },
    },
  });
  expect(answer.status).toBe(200);
}

const stored = async (decisionId: string) =>
  (
    await dynamodb.send(
      new GetItemCommand({
        TableName: nameOf("ReviewsTable"),
        Key: { pk: { S: reviewIdFor(decisionId, "review") }, sk: { S: "REVIEW" } },
      }),
    )
  ).Item;

describe("the review intake function under faults", () => {
  it("reports exactly the failed message of a batch, stores the others, and stores the retried one once", async () => {
    // Arrange
    const [a, missing, c] = [uid("ok"), uid("late"), uid("ok")];
    await routed(a);
    await routed(c);
    const batch = [holdMessage(a, "tok-a"), holdMessage(missing, "tok-b"), holdMessage(c, "tok-c")];

    // Act
    const first = await handler({ Records: batch }, lambdaContext("ReviewIntake"));
    await routed(missing);
    const retry = await handler({ Records: [batch[1] as SQSRecord] }, lambdaContext("ReviewIntake"));
    const redelivered = await handler({ Records: batch }, lambdaContext("ReviewIntake"));

    // Assert
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: batch[1]?.messageId }]);
    expect(retry.batchItemFailures).toEqual([]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect((await stored(a))?.taskToken?.S).toBe("tok-a");
    expect((await stored(missing))?.taskToken?.S).toBe("tok-b");
    expect((await stored(c))?.round?.N).toBe("1");
  });
});
