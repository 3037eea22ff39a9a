import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AgreementFact,
  profileCounter,
  profilesFromCounters,
  QUEUE_ROW,
  reviewerCountersOf,
  type VerdictFact,
} from "../../../core/reviewers/counters";
import { fleiss } from "../../../core/stats/fleiss";
import { profilesOf } from "../../../core/stats/ratings";
import { fixed } from "../../support/clock";

const verdict = (overrides: Partial<VerdictFact> = {}): VerdictFact => ({
  type: "verdict",
  id: "rv-1#1#rev-a",
  reviewer: "rev-a",
  queue: "claims",
  at: fixed("2026-11-25T12:34:56.000Z"),
  handlingSeconds: 42.5,
  label: "deny",
  predictedLabel: "approve",
  withinSla: true,
  ...overrides,
});

/** A settled multi-reviewed item: reviewer → blind label, in order. */
const agreement = (
  labels: [reviewer: string, label: string][],
  extra: Partial<AgreementFact> = {},
): AgreementFact => ({
  type: "agreement",
  id: "rv-9",
  queue: "claims",
  at: fixed("2026-11-25T13:00:00.000Z"),
  verdicts: labels.map(([reviewer, label]) => ({ reviewer, label })),
  ...extra,
});

describe("reviewerCountersOf", () => {
  it("counts a real verdict in its reviewer's row for the hour: decided, label, override, SLA, handling time", () => {
    const [delta, ...rest] = reviewerCountersOf(verdict());
    expect(rest).toEqual([]);
    expect(delta?.key).toEqual({ reviewer: "rev-a", queue: "claims", hour: fixed("2026-11-25T12") });
    expect(delta?.counters).toMatchObject({
      decided: 1,
      "label:deny": 1,
      overrides: 1,
      withinSla: 1,
      handlingMs: 42_500,
      handlingCount: 1,
    });
    expect(Object.keys(delta?.counters ?? {}).filter((n) => n.startsWith("h:"))).toHaveLength(1);
  });

  it("counts a gold verdict only as gold and handling time, never as a decided item or a label", () => {
    const right = reviewerCountersOf(verdict({ goldLabel: "deny" }))[0]?.counters;
    const wrong = reviewerCountersOf(verdict({ goldLabel: "approve" }))[0]?.counters;
    expect(right).toMatchObject({ gold: 1, goldCorrect: 1, handlingCount: 1 });
    expect(wrong).toMatchObject({ gold: 1, handlingCount: 1 });
    for (const counters of [right, wrong]) {
      expect(counters?.decided).toBeUndefined();
      expect(counters?.overrides).toBeUndefined();
      expect(Object.keys(counters ?? {}).some((n) => n.startsWith("label:"))).toBe(false);
    }
    expect(wrong?.goldCorrect).toBeUndefined();
  });

  it("gives every blind reviewer of a multi-reviewed item their pairs and adjudication, and the queue its profile", () => {
    // Arrange
    const fact = agreement(
      [
        ["a", "deny"],
        ["b", "deny"],
        ["c", "approve"],
      ],
      { adjudicated: "deny" },
    );

    // Act
    const deltas = reviewerCountersOf(fact);
    const byReviewer = Object.fromEntries(deltas.map((d) => [d.key.reviewer, d.counters]));

    // Assert
    expect(byReviewer[QUEUE_ROW]).toEqual({ "profile:approve=1,deny=2": 1 });
    expect(byReviewer.a).toEqual({
      peerPairs: 2,
      peerAgree: 1,
      "pair:deny|deny": 1,
      "pair:deny|approve": 1,
      adjudicated: 1,
      adjudicatedAgree: 1,
    });
    expect(byReviewer.c).toEqual({ peerPairs: 2, "pair:approve|deny": 2, adjudicated: 1 });
    expect(deltas.every((d) => d.key.hour === fixed("2026-11-25T13"))).toBe(true);
  });

  it("counts releases and expired leases", () => {
    const base = { id: "x", reviewer: "a", queue: "claims", at: fixed("2026-11-25T13:00:00.000Z") };
    expect(reviewerCountersOf({ type: "released", ...base })[0]?.counters).toEqual({ releases: 1 });
    expect(reviewerCountersOf({ type: "lease-expired", ...base })[0]?.counters).toEqual({ leaseExpiries: 1 });
  });

  it("rejects an agreement fact that lists a reviewer twice", () => {
    const fact = agreement([
      ["a", "x"],
      ["a", "y"],
    ]);
    expect(() => reviewerCountersOf(fact)).toThrow(/appears twice/);
  });
});

describe("profile counters", () => {
  it("round-trip labels with separators in them", () => {
    const counts = { "a=b": 1, "x,y": 2, "p|q": 1, ünï: 1 };
    const name = profileCounter(counts);
    expect(profilesFromCounters({ [name]: 7, decided: 3 })).toEqual([{ counts, items: 7 }]);
  });

  it("can be scoped by queue, for rows that hold several queues, and read back per queue or all together", () => {
    // Arrange
    const row = {
      [profileCounter({ approve: 2 }, "claims")]: 5,
      [profileCounter({ approve: 1, deny: 1 }, "claims")]: 2,
      [profileCounter({ approve: 2 }, "fraud|team")]: 4,
    };

    // Act + Assert
    expect(Object.keys(row)).toContain("profile:fraud%7Cteam|approve=2");
    expect(profilesFromCounters(row, "claims")).toEqual([
      { counts: { approve: 2 }, items: 5 },
      { counts: { approve: 1, deny: 1 }, items: 2 },
    ]);
    expect(profilesFromCounters(row, "fraud|team")).toEqual([{ counts: { approve: 2 }, items: 4 }]);
    expect(profilesFromCounters(row)).toHaveLength(3);
  });

  it("carry exactly what Fleiss' kappa needs: the queue row gives the same kappa as the verdicts themselves", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom("approve", "deny", "escalate"), { minLength: 2, maxLength: 4 }), {
          minLength: 1,
          maxLength: 40,
        }),
        (items) => {
          // Arrange: one agreement fact per item
          const queueRow: Record<string, number> = {};
          items.forEach((labels, i) => {
            const fact = agreement(
              labels.map((label, r): [string, string] => [`r${r}`, label]),
              { id: `rv-${i}` },
            );
            for (const d of reviewerCountersOf(fact)) {
              if (d.key.reviewer !== QUEUE_ROW) continue;
              for (const [n, v] of Object.entries(d.counters)) queueRow[n] = (queueRow[n] ?? 0) + v;
            }
          });
          const direct = profilesOf(
            items.map((labels) => {
              const counts: Record<string, number> = {};
              for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
              return counts;
            }),
          );

          // Act + Assert
          const fromCounters = fleiss(profilesFromCounters(queueRow));
          const expected = fleiss(direct);
          expect(fromCounters.kappa).toStrictEqual(expected.kappa);
          expect(fromCounters.standardError).toStrictEqual(expected.standardError);
        },
      ),
    );
  });
});
