import { describe, expect, it } from "vitest";
import { typedFeedbackShares } from "../../app/src/typed-feedback-logic";
import type { Share, TypedQuality } from "../../core/feedback/types/quality";
import type { ArmReport } from "../../core/report/types";

const share = (count: number, n: number): Share => ({
  count,
  n,
  value: n === 0 ? null : count / n,
  interval: n === 0 ? [null, null] : [Math.max(0, count / n - 0.1), Math.min(1, count / n + 0.1)],
});

const arm = (name: string, typedFeedback?: Partial<TypedQuality>) =>
  ({ arm: name, ...(typedFeedback ? { typedFeedback } : {}) }) as unknown as ArmReport;

describe("the typed feedback's rows to chart", () => {
  it("lists each arm's shares in the report's order, coloured by the arm's place in the report, without shares that have no value", () => {
    // Arrange: control has no typed feedback; b has an approval share over zero verdicts.
    const report = {
      arms: [
        arm("control"),
        arm("a", {
          correction: { acceptedAsIs: share(3, 4) } as TypedQuality["correction"],
          approval: { approve: share(1, 2) } as TypedQuality["approval"],
        }),
        arm("b", {
          approval: { approve: share(0, 0) } as TypedQuality["approval"],
          pairwise: { sources: [{ source: "m2", winRate: share(2, 5) }] } as TypedQuality["pairwise"],
        }),
      ],
    };

    // Act
    const rows = typedFeedbackShares(report);

    // Assert
    expect(rows.map((r) => [r.label, r.arm, r.share.value])).toEqual([
      ["a: accepted as is", 1, 0.75],
      ["a: approved as proposed", 1, 0.5],
      ["b: m2 wins", 2, 0.4],
    ]);
  });
});
