import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kappaInference } from "../../../core/stats/agreement";
import { fleiss, perLabelAgreement } from "../../../core/stats/fleiss";
import { alpha } from "../../../core/stats/krippendorff";
import type { RatingProfile } from "../../../core/stats/ratings";

const LABELS = ["approve", "deny", "escalate", "edit"];

/** Profiles whose items all have `raters` ratings over the first `labels` labels. */
const fixedRaters = (raters: number) =>
  fc
    .array(
      fc.record({
        split: fc.array(fc.nat({ max: 3 }), { minLength: raters, maxLength: raters }),
        items: fc.integer({ min: 1, max: 30 }),
      }),
      { minLength: 1, maxLength: 12 },
    )
    .map((rows) =>
      rows.map(({ split, items }) => {
        const counts: Record<string, number> = {};
        for (const j of split) counts[LABELS[j] ?? "approve"] = (counts[LABELS[j] ?? "approve"] ?? 0) + 1;
        return { counts, items };
      }),
    );

const anyRaters = fc
  .array(
    fc.record({
      counts: fc.dictionary(fc.constantFrom(...LABELS), fc.integer({ min: 0, max: 4 }), { maxKeys: 4 }),
      items: fc.integer({ min: 0, max: 30 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((rows): RatingProfile[] => rows);

const sameOrBothNaN = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) < 1e-9);

describe("agreement statistics on any per-item counts", () => {
  it("relate exactly when every item has the same number of ratings: α = 1 − (1 − κ)(n − 1)/n", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }).chain(fixedRaters), (profiles) => {
        // Act
        const kappa = fleiss(profiles).kappa;
        const result = alpha(profiles, { bootstrap: false });

        // Assert: n is the number of pairable values
        const n = result.pairableValues;
        expect(sameOrBothNaN(result.alpha, 1 - ((1 - kappa) * (n - 1)) / n)).toBe(true);
      }),
    );
  });

  it("do not change when labels are renamed or a profile is split in two", () => {
    fc.assert(
      fc.property(anyRaters, (profiles) => {
        // Arrange
        const renamed = profiles.map((p) => ({
          items: p.items,
          counts: Object.fromEntries(Object.entries(p.counts).map(([l, c]) => [`x-${l}`, c])),
        }));
        const split = profiles.flatMap((p) =>
          p.items >= 2
            ? [
                { counts: p.counts, items: 1 },
                { counts: p.counts, items: p.items - 1 },
              ]
            : [p],
        );

        // Act + Assert
        for (const variant of [renamed, split]) {
          expect(sameOrBothNaN(fleiss(variant).kappa, fleiss(profiles).kappa)).toBe(true);
          expect(sameOrBothNaN(fleiss(variant).standardError, fleiss(profiles).standardError)).toBe(true);
          expect(
            sameOrBothNaN(
              alpha(variant, { bootstrap: false }).alpha,
              alpha(profiles, { bootstrap: false }).alpha,
            ),
          ).toBe(true);
        }
      }),
    );
  });

  it("stay within their ranges: κ ≤ 1, α ≤ 1, ordered intervals, specific agreement in [0, 1]", () => {
    fc.assert(
      fc.property(anyRaters, (profiles) => {
        // Act
        const f = fleiss(profiles);
        const a = alpha(profiles, { bootstrap: { samples: 50 } });

        // Assert
        if (!Number.isNaN(f.kappa)) {
          expect(f.kappa).toBeLessThanOrEqual(1 + 1e-12);
          // One item gives a kappa but no variance.
          if (f.items >= 2) expect(f.standardError).toBeGreaterThanOrEqual(0);
          else expect(f.standardError).toBeNaN();
          if (!Number.isNaN(f.interval[0])) expect(f.interval[0]).toBeLessThanOrEqual(f.interval[1]);
        }
        if (!Number.isNaN(a.alpha)) expect(a.alpha).toBeLessThanOrEqual(1 + 1e-12);
        if (a.interval) expect(a.interval[0]).toBeLessThanOrEqual(a.interval[1]);
        for (const label of Object.values(perLabelAgreement(profiles))) {
          if (!Number.isNaN(label.specificAgreement)) {
            expect(label.specificAgreement).toBeGreaterThanOrEqual(0);
            expect(label.specificAgreement).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it("are 1 when every item's ratings agree and at least two labels occur", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...LABELS),
            fc.integer({ min: 2, max: 6 }),
            fc.integer({ min: 1, max: 9 }),
          ),
          {
            minLength: 1,
            maxLength: 10,
          },
        ),
        (rows) => {
          fc.pre(new Set(rows.map(([label]) => label)).size >= 2);
          const profiles = rows.map(([label, raters, items]) => ({ counts: { [label]: raters }, items }));
          expect(fleiss(profiles).kappa).toBeCloseTo(1, 12);
          for (const level of ["nominal", "ordinal", "interval"] as const) {
            expect(alpha(profiles, { level, order: LABELS, bootstrap: false }).alpha).toBeCloseTo(1, 12);
          }
        },
      ),
    );
  });
});

describe("kappaInference on any table", () => {
  it("keeps κ ≤ 1, standard errors ≥ 0, an ordered interval inside [−1, 1] and p in [0, 1]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((k) =>
          fc.tuple(
            fc.array(fc.array(fc.nat({ max: 40 }), { minLength: k, maxLength: k }), {
              minLength: k,
              maxLength: k,
            }),
            fc.constantFrom("none", "linear", "quadratic" as const),
          ),
        ),
        ([table, weights]) => {
          const result = kappaInference(table, { weights });
          if (Number.isNaN(result.kappa)) return;
          expect(result.kappa).toBeLessThanOrEqual(1 + 1e-12);
          expect(result.standardError).toBeGreaterThanOrEqual(0);
          expect(result.interval[0]).toBeGreaterThanOrEqual(-1);
          expect(result.interval[1]).toBeLessThanOrEqual(1);
          expect(result.interval[0]).toBeLessThanOrEqual(result.interval[1]);
          if (!Number.isNaN(result.null.pValue)) {
            expect(result.null.pValue).toBeGreaterThanOrEqual(0);
            expect(result.null.pValue).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });
});
