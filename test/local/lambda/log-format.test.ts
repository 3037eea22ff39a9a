import { describe, expect, it } from "vitest";
import { prettyFunctionLine, prettyLogLine } from "../../../local/lambda";

describe("the local cloud's readable function logs", () => {
  it("turns a Powertools log line into its level, message and own keys", () => {
    // Arrange
    const line = JSON.stringify({
      level: "WARN",
      message: "message dead-lettered",
      timestamp: "2026-12-03T10:00:00.000Z",
      service: "ingest",
      sampling_rate: 0,
      cold_start: false,
      function_name: "Ingest",
      function_request_id: "r-1",
      decisionId: "d-1",
      reason: "not a decision",
    });

    // Act
    const pretty = prettyLogLine(line);

    // Assert
    expect(pretty).toBe(
      'WARN  message dead-lettered cold_start=false function_request_id=r-1 decisionId=d-1 reason="not a decision"',
    );
  });

  it("shows an EMF line as its metrics and their dimensions", () => {
    // Arrange
    const line = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          {
            Namespace: "HitlLab",
            Dimensions: [["service", "experimentId"]],
            Metrics: [
              { Name: "DecisionsRouted", Unit: "Count" },
              { Name: "DecisionsHeld", Unit: "Count" },
            ],
          },
        ],
      },
      service: "route-decision",
      experimentId: "exp-1",
      DecisionsRouted: 1,
      DecisionsHeld: 1,
    });

    // Act
    const pretty = prettyLogLine(line);

    // Assert
    expect(pretty).toBe(
      "metrics DecisionsRouted=1 DecisionsHeld=1 {service=route-decision, experimentId=exp-1}",
    );
  });

  it("leaves any other line as it is, and keeps the function prefix", () => {
    // Arrange
    const lines = ["plain text", "{not json", '{"level":"info"}', '["an", "array"]'];

    // Act
    const pretty = lines.map(prettyLogLine);
    const prefixed = prettyFunctionLine('[RouteDecision] {"level":"INFO","message":"hi","x":1}');

    // Assert
    expect(pretty).toEqual(lines);
    expect(prefixed).toBe("[RouteDecision] INFO  hi x=1");
  });
});
