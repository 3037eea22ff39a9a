import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../../core/experiments/validate";
import { experimentQueues } from "../../../core/review/queues";
import { demoExperiment } from "../../../core/simulation/model";

function parsed(input: unknown) {
  const result = parseExperiment(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

describe("the queues an experiment's items can wait in", () => {
  it("lists the demo's team and rule queues with every tier and adjudication, and the shared audit queue", () => {
    expect(experimentQueues(parsed(demoExperiment()).arms).sort()).toEqual([
      "audit",
      "default",
      "default.adjudication",
      "default.tier-2",
      "fraud",
      "fraud.adjudication",
      "fraud.tier-2",
      "high-value",
      "high-value.adjudication",
      "high-value.tier-2",
    ]);
  });

  it("leaves out audit and adjudication queues an experiment never uses", () => {
    const experiment = parsed({
      id: "plain",
      control: "a",
      arms: [{ id: "a", weight: 1, policy: { autoAcceptAbove: 0.9, queue: "claims" } }],
    });

    expect(experimentQueues(experiment.arms)).toEqual(["claims", "claims.tier-2"]);
  });
});
