import { describe, expect, it } from "vitest";
import { labelOrderFor } from "../../../core/reviewers/label-order";

const LABELS = ["approve", "deny", "investigate", "escalate"];
const options = { ordered: false, seed: "k3y" };

describe("labelOrderFor", () => {
  it("gives each reviewer the same order every time, holding every label once", () => {
    const order = labelOrderFor("rev-1", LABELS, options);
    expect(labelOrderFor("rev-1", LABELS, options)).toEqual(order);
    expect([...order].sort()).toEqual([...LABELS].sort());
  });

  it("puts each label first for about a quarter of a large team", () => {
    // Arrange
    const first = new Map<string, number>();

    // Act
    for (let r = 0; r < 4000; r++) {
      const label = labelOrderFor(`rev-${r}`, LABELS, options)[0] ?? "";
      first.set(label, (first.get(label) ?? 0) + 1);
    }

    // Assert: 1000 ± 4 standard errors (about 27) each
    for (const label of LABELS) {
      expect(first.get(label)).toBeGreaterThan(890);
      expect(first.get(label)).toBeLessThan(1110);
    }
  });

  it("keeps ordered labels in their order, lowest first", () => {
    const scale = ["minor", "moderate", "severe"];
    expect(labelOrderFor("rev-1", scale, { ordered: true, seed: "k3y" })).toEqual(scale);
  });
});
