import { describe, expect, it } from "vitest";
import { isAuditSample, isDoubleReviewSample } from "../../../core/assignment/audit";

const ids = Array.from({ length: 100_000 }, (_, i) => `dec-${i.toString(36)}-${(i * 7919) % 100_003}`);

function share(sample: (id: string) => boolean): number {
  let n = 0;
  for (const id of ids) if (sample(id)) n++;
  return n / ids.length;
}

describe("isAuditSample", () => {
  it.each([0.01, 0.05, 0.2, 0.5])("samples about %s of 100k decision ids (±1 point)", (rate) => {
    const observed = share((id) => isAuditSample(id, rate));

    expect(Math.abs(observed - rate)).toBeLessThan(0.01);
  });

  it("gives the same answer for the same decision id", () => {
    const first = ids.slice(0, 1000).map((id) => isAuditSample(id, 0.3));
    const again = ids.slice(0, 1000).map((id) => isAuditSample(id, 0.3));

    expect(again).toEqual(first);
  });

  it("never samples at rate 0 and always samples at rate 1", () => {
    expect(ids.slice(0, 5000).some((id) => isAuditSample(id, 0))).toBe(false);
    expect(ids.slice(0, 5000).every((id) => isAuditSample(id, 1))).toBe(true);
  });

  it("keeps an id sampled at a lower rate sampled at every higher rate", () => {
    const low = ids.slice(0, 5000).filter((id) => isAuditSample(id, 0.1));

    expect(low.every((id) => isAuditSample(id, 0.4))).toBe(true);
  });
});

describe("isDoubleReviewSample", () => {
  it("samples about its rate of 100k decision ids (±1 point)", () => {
    expect(Math.abs(share((id) => isDoubleReviewSample(id, 0.1)) - 0.1)).toBeLessThan(0.01);
  });

  it("is independent of the audit sample", () => {
    const both = share((id) => isAuditSample(id, 0.5) && isDoubleReviewSample(id, 0.5));

    // Independent samples overlap in about rate × rate; the same seed would overlap in 0.5.
    expect(both).toBeCloseTo(0.25, 1);
    expect(Math.abs(both - 0.25)).toBeLessThan(0.01);
  });
});
