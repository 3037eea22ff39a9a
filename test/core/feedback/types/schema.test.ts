import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../../../core/experiments/validate";
import { routeDecision } from "../../../../core/routing/route-decision";
import { experiment } from "../../../support/experiments";
import { reviewWorld } from "../../../support/review-world";

const base = experiment();
const withFeedback = (feedback: unknown) => parseExperiment({ ...base, feedback });

describe("an experiment's feedback schema", () => {
  it("accepts a combination of types and fills in their defaults", () => {
    // Act
    const parsed = withFeedback([
      { type: "correction" },
      { type: "rubric", criteria: [{ name: "faithful", points: { "1": "invented", "5": "all sourced" } }] },
    ]);

    // Assert
    expect(parsed.ok && parsed.value.feedback).toEqual([
      { type: "correction", format: "text" },
      {
        type: "rubric",
        criteria: [
          { name: "faithful", scale: { min: 1, max: 5 }, points: { "1": "invented", "5": "all sourced" } },
        ],
      },
    ]);
  });

  it("leaves an experiment without one as it was (a label)", () => {
    // Act
    const parsed = parseExperiment(base);

    // Assert
    expect(parsed.ok && parsed.value.feedback).toBeUndefined();
  });

  it.each([
    [[{ type: "thumbs" }], "feedback[0].type"],
    [[{ type: "approval" }, { type: "approval" }], "feedback[1].type"],
    [[{ type: "correction", format: "yaml" }], "feedback[0].format"],
    [[{ type: "rubric", criteria: [] }], "feedback[0].criteria"],
    [[{ type: "rubric", criteria: [{ name: "tone" }, { name: "tone" }] }], "feedback[0].criteria[1].name"],
    [[{ type: "rubric", criteria: [{ name: "tone" }], quality: "style" }], "feedback[0].quality"],
    [
      [{ type: "rubric", criteria: [{ name: "tone", points: { "7": "superb" } }] }],
      'feedback[0].criteria[0].points["7"]',
    ],
    [[{ type: "rubric", criteria: [{ name: "tone", passAt: 9 }] }], "feedback[0].criteria[0].passAt"],
    [
      [{ type: "rubric", criteria: [{ name: "safe", scale: "pass-fail", passAt: 1 }] }],
      "feedback[0].criteria[0].passAt",
    ],
    [
      [{ type: "rubric", criteria: [{ name: "tone", scale: { min: 3, max: 2 } }] }],
      "feedback[0].criteria[0].scale.max",
    ],
    [[{ type: "pairwise", allowEqual: "yes" }], "feedback[0].allowEqual"],
    [[], "feedback"],
  ])("refuses %j, naming %s", (feedback, path) => {
    // Act
    const parsed = withFeedback(feedback);

    // Assert
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => e.path)).toContain(path);
  });
});

describe("a decision of an experiment with typed feedback", () => {
  it.each([
    [[{ type: "correction" }], "prediction.output"],
    [[{ type: "rubric", criteria: [{ name: "tone" }] }], "prediction.output"],
    [[{ type: "pairwise" }], "prediction.candidates"],
    [[{ type: "approval" }], "prediction.action"],
  ])("with feedback %j needs %s: 400 naming it, nothing written", async (feedback, path) => {
    // Arrange
    const w = await reviewWorld({ feedback });

    // Act
    const result = await routeDecision(w.routing, {
      request: {
        experimentId: w.exp.id,
        unitId: "u-1",
        decisionId: "d-1",
        item: {},
        prediction: { label: "answer", confidence: 0.5 },
      },
    });

    // Assert
    expect(result).toMatchObject({ ok: false, error: { status: 400, code: "validation_failed" } });
    expect(JSON.stringify(result)).toContain(path);
    expect(w.decisions.items.size).toBe(0);
  });

  it("refuses two candidates from one source and a text output for a JSON correction", async () => {
    // Arrange
    const w = await reviewWorld({ feedback: [{ type: "pairwise" }, { type: "correction", format: "json" }] });

    // Act
    const result = await routeDecision(w.routing, {
      request: {
        experimentId: w.exp.id,
        unitId: "u-1",
        item: {},
        prediction: {
          label: "m-a",
          confidence: 0.5,
          output: "plain text",
          candidates: [
            { source: "m-a", output: "one" },
            { source: "m-a", output: "two" },
          ],
        },
      },
    });

    // Assert
    expect(JSON.stringify(result)).toContain("prediction.candidates[1].source");
    expect(JSON.stringify(result)).toContain("prediction.output");
    expect(w.decisions.items.size).toBe(0);
  });
});
