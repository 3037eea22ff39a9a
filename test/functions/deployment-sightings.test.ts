import type { SQSEvent } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "../../adapters/observability";
import { processSightings } from "../../functions/feedback-api/deployments/handler";
import { feedbackWorld } from "../core/feedback/fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

const event = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body })) }) as unknown as SQSEvent;

describe("the deployment sightings consumer", () => {
  it("fails each malformed sighting alone, with a log line naming its problem, and writes nothing", async () => {
    // Arrange
    const warn = vi.spyOn(logger, "warn").mockImplementation(() => undefined);
    const w = feedbackWorld();

    // Act
    const result = await processSightings(
      event(
        "not json",
        '{"modelVersion":"m-1","decisionId":"d-1"}',
        '{"modelVersion":"m\\ud800","decisionId":"d-1","at":"2026-11-25T12:00:00Z"}',
        '{"modelVersion":"m-1","decisionId":"d-1","at":"2026-11-25T12:00:00Z"}',
      ),
      w.confirm,
    );

    // Assert
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: "m-0" },
      { itemIdentifier: "m-1" },
      { itemIdentifier: "m-2" },
    ]);
    const problems = warn.mock.calls.map(([, fields]) => (fields as { problem?: string }).problem);
    expect(problems).toEqual([
      expect.stringMatching(/^body is not valid JSON/),
      "at must be an ISO date-time",
      "modelVersion: is not valid Unicode text: an unpaired surrogate at character 1",
    ]);
    expect(w.log.writes).toEqual([]);
  });
});
