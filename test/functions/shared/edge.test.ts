import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { lambdaContext } from "../../support/lambda-context";

type Observability = typeof import("../../../adapters/observability");
type Edge = typeof import("../../../functions/shared/edge");
type Batch = typeof import("../../../functions/shared/batch");
let observability: Observability;
let edge: Edge["edge"];
let sqsRecords: Batch["sqsRecords"];

/** Every JSON line the process writes while `run` runs (Powertools: stdout, warnings and errors on stderr). */
async function output(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  };
  const writes = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, "write").mockImplementation(capture),
  );
  try {
    await run().catch(() => undefined);
  } finally {
    for (const write of writes) write.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const emf = (lines: Record<string, unknown>[]) => lines.filter((l) => "_aws" in l && !("ColdStart" in l));

function message(id: string, body: unknown): SQSRecord {
  return {
    messageId: id,
    receiptHandle: "r",
    body: JSON.stringify(body),
    attributes: {} as SQSRecord["attributes"],
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:q",
    awsRegion: "us-east-1",
  };
}

beforeAll(async () => {
  // The singletons read their settings once, when first imported, as in a Lambda environment.
  vi.stubEnv("POWERTOOLS_SERVICE_NAME", "edge-test");
  vi.stubEnv("POWERTOOLS_METRICS_NAMESPACE", "HitlLabTest");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "INFO");
  vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  observability = await import("../../../adapters/observability");
  ({ edge } = await import("../../../functions/shared/edge"));
  ({ sqsRecords } = await import("../../../functions/shared/batch"));
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the edge stack every function runs", () => {
  it("logs structured JSON with the request id, cold start and the decision and experiment ids", async () => {
    // Arrange
    const handler = edge(async () => {
      observability.logger.info("routing");
      return "ok";
    });
    const context = lambdaContext("RouteDecision");

    // Act
    const lines = await output(() =>
      handler({ request: { decisionId: "d-1", experimentId: "exp-1" } }, context),
    );

    // Assert
    expect(lines.find((l) => l.message === "routing")).toMatchObject({
      level: "INFO",
      service: "edge-test",
      function_name: "RouteDecision",
      function_request_id: context.awsRequestId,
      cold_start: expect.any(Boolean),
      decisionId: "d-1",
      experimentId: "exp-1",
    });
  });

  it("forgets the ids when the invocation ends, so the next one's lines do not carry them", async () => {
    // Arrange
    const handler = edge(async () => observability.logger.info("step"));
    await output(() => handler({ state: { reviewId: "rv-1" } }, lambdaContext("ReviewSteps")));

    // Act
    const lines = await output(() => handler({}, lambdaContext("ReviewSteps")));

    // Assert
    const line = lines.find((l) => l.message === "step");
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty("reviewId");
  });

  it("publishes the invocation's metrics as one EMF line, and writes nothing when it recorded none", async () => {
    // Arrange
    const counting = edge(async () => {
      observability.perExperiment("exp-1");
      observability.count(observability.METRIC.decisionsRouted);
      observability.count(observability.METRIC.decisionsHeld);
    });
    const quiet = edge(async () => "nothing to count");

    // Act
    const counted = await output(() => counting({}, lambdaContext("RouteDecision")));
    const silent = await output(() => quiet({}, lambdaContext("DecisionsApi")));

    // Assert
    expect(emf(counted)).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            {
              Namespace: "HitlLabTest",
              Dimensions: [["service", "experimentId"]],
              Metrics: [
                { Name: "DecisionsRouted", Unit: "Count" },
                { Name: "DecisionsHeld", Unit: "Count" },
              ],
            },
          ],
        }),
        service: "edge-test",
        experimentId: "exp-1",
        DecisionsRouted: 1,
        DecisionsHeld: 1,
      }),
    ]);
    expect(emf(silent)).toEqual([]);
    expect(silent.filter((l) => l.level === "WARN")).toEqual([]);
  });

  it("logs and counts a failed invocation with its ids, and still fails it", async () => {
    // Arrange
    const handler = edge(async (): Promise<void> => {
      throw new Error("boom");
    });
    let failure: unknown;

    // Act
    const lines = await output(() =>
      handler({ decisionId: "d-9" }, lambdaContext("Ingest")).catch((error: unknown) => {
        failure = error;
      }),
    );

    // Assert
    expect(failure).toMatchObject({ message: "boom" });
    expect(lines.find((l) => l.level === "ERROR")).toMatchObject({
      message: "invocation failed",
      decisionId: "d-9",
      error: expect.objectContaining({ message: "boom" }),
    });
    expect(emf(lines)).toEqual([expect.objectContaining({ Errors: 1 })]);
  });
});

describe("SQS batches under the edge stack (Powertools batch utility)", () => {
  it("reports only the messages that failed, after handling every message", async () => {
    // Arrange
    const seen: string[] = [];
    const handler = sqsRecords(async (record) => {
      seen.push(record.messageId);
      if (record.messageId === "m-2") throw new Error("transient");
    });
    const event: SQSEvent = { Records: [message("m-1", {}), message("m-2", {}), message("m-3", {})] };

    // Act
    let response: unknown;
    const lines = await output(async () => {
      response = await handler(event, lambdaContext("ReviewIntake"));
    });

    // Assert
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-2" }] });
    expect(seen).toEqual(["m-1", "m-2", "m-3"]);
    expect(lines.find((l) => l.level === "ERROR")).toMatchObject({ messageId: "m-2" });
    expect(emf(lines)).toEqual([expect.objectContaining({ Errors: 1 })]);
  });

  it("answers a batch where every message failed with every message, instead of throwing", async () => {
    // Arrange
    const handler = sqsRecords(
      async () => {
        throw new Error("down");
      },
      { inParallel: true },
    );
    const event: SQSEvent = { Records: [message("m-1", {}), message("m-2", {})] };

    // Act
    let response: unknown;
    await output(async () => {
      response = await handler(event, lambdaContext("Ingest"));
    });

    // Assert
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }, { itemIdentifier: "m-2" }] });
  });
});
