import { describe, expect, it } from "vitest";
import { agreementFamilyTable, perLabelLine } from "../../../cli/render/agreement-table";
import { renderTextTable } from "../../../cli/render/table";
import { agreementFamily } from "../../../core/report/agreement-family";
import { profileCounter } from "../../../core/reviewers/counters";

describe("the kappa family's table", () => {
  const byArm = new Map([
    [
      "a",
      {
        [profileCounter({ approve: 2 }, "claims")]: 6,
        [profileCounter({ approve: 1, deny: 1 }, "claims")]: 3,
        [profileCounter({ deny: 2 }, "claims")]: 5,
      },
    ],
  ]);

  it("has a row per scope with items, Fleiss' kappa and alpha with intervals, and the flag", () => {
    // Arrange
    const family = agreementFamily(byArm, {
      labels: ["approve", "deny"],
      ordered: false,
      threshold: 0.6,
      samples: 200,
    });

    // Act
    const text = renderTextTable(agreementFamilyTable(family));

    // Assert
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^scope\s+items\s+Fleiss κ \[95% CI\]\s+α nominal \[CI\]\s+flag$/);
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).toEqual([
      "scope",
      expect.stringMatching(/^─+$/),
      "overall",
      "arm a",
      "queue claims",
      "a × claims",
    ]);
    expect(lines[2]).toContain(family.overall.summary?.fleiss.kappa.toFixed(2));
    expect(lines[2]).toMatch(/\s14\s/);
    expect(perLabelLine(family)).toMatch(/^per-label agreement: approve κ [-0-9.]+ \(15 ratings\), deny κ/);
  });
});
