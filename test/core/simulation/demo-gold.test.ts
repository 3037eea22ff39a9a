import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../../core/experiments/validate";
import { evaluatePolicy } from "../../../core/policy/evaluate";
import { parseGoldLines } from "../../../core/reviewers/gold";
import { DEMO_GOLD_QUEUE, demoGold, itemKey } from "../../../core/simulation/demo-gold";
import { demoExperiment } from "../../../core/simulation/model";

describe("the demo's gold items", () => {
  it("are valid gold for the demo experiment's queue, with their true labels known by item", () => {
    // Arrange
    const experiment = parseExperiment(demoExperiment());
    if (!experiment.ok) throw new Error(JSON.stringify(experiment.errors));

    // Act
    const gold = demoGold(20);
    const parsed = parseGoldLines(gold.text, { queue: DEMO_GOLD_QUEUE, labels: experiment.value.labels });

    // Assert
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.items).toHaveLength(20);
    expect(experiment.value.queues?.[DEMO_GOLD_QUEUE]?.gold).toMatchObject({ firstItems: 3 });
    for (const item of parsed.items) {
      // Reordered fields (as a stored item may come back) find the same truth.
      const reordered = Object.fromEntries(Object.entries(item.item).reverse());
      expect(gold.truths.get(itemKey(reordered))).toBe(item.label);
    }
  });

  it("are items both demo arms would hold in the demo's queue, so their routing reason is true", () => {
    // Arrange
    const experiment = parseExperiment(demoExperiment());
    if (!experiment.ok) throw new Error(JSON.stringify(experiment.errors));
    const parsed = parseGoldLines(demoGold(20).text, { queue: DEMO_GOLD_QUEUE });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));

    // Act
    const routes = parsed.items.flatMap((gold) =>
      experiment.value.arms.map((arm) =>
        evaluatePolicy(arm.policy, { decisionId: gold.goldId, item: gold.item, prediction: gold.prediction }),
      ),
    );

    // Assert
    for (const routed of routes) expect(routed).toMatchObject({ route: "human", queue: DEMO_GOLD_QUEUE });
  });
});
