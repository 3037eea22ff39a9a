/**
 * A simulated review team, in memory, through the pure reviewer-quality core: gold serving,
 * qualification, the reviewer counters and scorecards, and the agreement family from the queue's
 * rating profiles against an independent recomputation from the verdicts.
 */
import { describe, expect, it } from "vitest";
import type { GoldSettings } from "../../../core/experiments/schema";
import {
  profilesFromCounters,
  QUEUE_ROW,
  type ReviewerFact,
  reviewerCountersOf,
} from "../../../core/reviewers/counters";
import { nextReviewStep } from "../../../core/reviewers/overlap";
import { newQualification, type Qualification, qualify } from "../../../core/reviewers/qualification";
import { scorecardsOf, sumRows } from "../../../core/reviewers/scorecard";
import { chooseGold } from "../../../core/reviewers/serving";
import { seededRandom } from "../../../core/simulation/random";
import { agreementSummary } from "../../../core/stats/agreement-summary";
import { manualClock } from "../../support/clock";

const LABELS = ["approve", "deny", "investigate"];
// Judged on the Wilson lower bound, 0.6 at 20 gold items needs 17 of 20 right: a reviewer with true
// accuracy 0.95 passes the first check with probability 0.984, one with 0.55 with 0.005
// (passProbability). A bar of 0.7 at 15 items would pause a 0.95 reviewer 17% of the time.
const GOLD: GoldSettings = {
  rate: 0.2,
  firstItems: 5,
  minAccuracy: 0.6,
  minGoldItems: 20,
  reReviewWhenPaused: true,
};
const TEAM = { ana: 0.97, ben: 0.96, cat: 0.95, dan: 0.97, weak: 0.55 };
const goldPool = Array.from({ length: 300 }, (_, i) => ({
  goldId: `gold-${i}`,
  label: LABELS[i % 3] ?? "approve",
}));

function simulate() {
  const random = seededRandom(2026);
  const answer = (reviewer: keyof typeof TEAM, truth: string) => {
    if (random() < TEAM[reviewer]) return truth;
    const others = LABELS.filter((l) => l !== truth);
    return others[Math.floor(random() * others.length)] ?? truth;
  };
  const facts: ReviewerFact[] = [];
  const qualifications = new Map<string, Qualification>();
  const claims = new Map<string, number>();
  const served = new Map<string, Set<string>>();
  const realVerdicts: { reviewer: string; at: string; item: number }[] = [];
  const goldAnswered = new Map<string, number>();
  const pauses: { reviewer: string; goldAnswered: number; reReview?: { from: string; to: string } }[] = [];
  const blind: string[][] = [];
  const clock = manualClock("2026-11-25T08:00:00.000Z");
  const tick = () => {
    clock.advance(20);
    return clock.now().toISOString();
  };

  for (let item = 0; item < 600; item++) {
    const truth = LABELS[Math.floor(random() * 3)] ?? "approve";
    const labels: string[] = [];
    const reviewers: string[] = [];
    // Every third item is multi-reviewed: 2 blind reviews, up to 3 when they disagree.
    const settings = item % 3 === 0 ? { reviewsPerItem: 2, maxReviewsPerItem: 3 } : { reviewsPerItem: 1 };
    while (true) {
      const needed = Math.max(2, settings.reviewsPerItem);
      if (settings.reviewsPerItem === 1 && labels.length === 1) break;
      if (settings.reviewsPerItem >= 2) {
        const step = nextReviewStep(labels, { reviewsPerItem: needed, maxReviewsPerItem: 3 });
        if (step.step === "settle" || step.step === "adjudicate") break;
      }
      const active = (Object.keys(TEAM) as (keyof typeof TEAM)[]).filter(
        (r) => qualifications.get(r)?.status !== "paused" && !reviewers.includes(r),
      );
      const reviewer = active[Math.floor(random() * active.length)] ?? "ana";
      // The claim may be answered with a gold item first (the real item waits for the next claim).
      for (;;) {
        const claimIndex = claims.get(reviewer) ?? 0;
        claims.set(reviewer, claimIndex + 1);
        const seen = served.get(reviewer) ?? new Set<string>();
        served.set(reviewer, seen);
        const choice = chooseGold(
          {
            reviewer,
            queue: "claims",
            claimIndex,
            pool: goldPool.map((g) => g.goldId),
            served: seen,
            seed: "k3y",
          },
          GOLD,
        );
        const now = tick();
        const q = qualifications.get(reviewer) ?? newQualification(reviewer, "claims", now, GOLD);
        if (!choice.serve) {
          qualifications.set(reviewer, q);
          break;
        }
        seen.add(choice.goldId);
        const gold = goldPool.find((g) => g.goldId === choice.goldId);
        const label = answer(reviewer, gold?.label ?? "approve");
        const base = {
          type: "verdict",
          id: `${choice.goldId}#${reviewer}`,
          reviewer,
          queue: "claims",
          at: now,
        } as const;
        facts.push({
          ...base,
          handlingSeconds: 40,
          label,
          predictedLabel: "approve",
          withinSla: true,
          goldLabel: gold?.label ?? "",
        });
        goldAnswered.set(reviewer, (goldAnswered.get(reviewer) ?? 0) + 1);
        const step = qualify(q, { type: "gold-verdict", correct: label === gold?.label, at: now }, GOLD);
        qualifications.set(reviewer, step.state);
        if (step.transition?.to === "paused") {
          pauses.push({
            reviewer,
            goldAnswered: goldAnswered.get(reviewer) ?? 0,
            ...(step.transition.reReview ? { reReview: step.transition.reReview } : {}),
          });
        }
        if (step.state.status === "paused") break;
      }
      if (qualifications.get(reviewer)?.status === "paused") continue;
      const now = tick();
      const label = answer(reviewer, truth);
      labels.push(label);
      reviewers.push(reviewer);
      realVerdicts.push({ reviewer, at: now, item });
      facts.push({
        type: "verdict",
        id: `item-${item}#${reviewer}`,
        reviewer,
        queue: "claims",
        at: now,
        handlingSeconds: 60,
        label,
        predictedLabel: truth,
        withinSla: true,
      });
    }
    if (settings.reviewsPerItem >= 2) {
      const first = labels.slice(0, 2);
      blind.push(first);
      const adjudicated = nextReviewStep(labels, { reviewsPerItem: 2, maxReviewsPerItem: 3 });
      facts.push({
        type: "agreement",
        id: `item-${item}`,
        queue: "claims",
        at: tick(),
        verdicts: first.map((label, i) => ({ reviewer: reviewers[i] ?? "", label })),
        ...(adjudicated.step === "adjudicate" ? { adjudicated: truth } : {}),
      });
    }
  }
  return { facts, qualifications, pauses, realVerdicts, blind };
}

describe("a simulated review team", () => {
  const world = simulate();

  it("pauses the weak reviewer at the first check, after the configured number of gold items, and only them", () => {
    expect(world.pauses.map((p) => p.reviewer)).toEqual(["weak"]);
    expect(world.pauses[0]?.goldAnswered).toBe(GOLD.minGoldItems);
    for (const name of ["ana", "ben", "cat", "dan"])
      expect(world.qualifications.get(name)?.status).toBe("qualified");
  });

  it("sends every verdict the weak reviewer gave before the pause for re-review", () => {
    const window = world.pauses[0]?.reReview;
    expect(window).toBeDefined();
    const theirs = world.realVerdicts.filter((v) => v.reviewer === "weak");
    const inWindow = theirs.filter((v) => window && v.at > window.from && v.at <= window.to);
    expect(theirs.length).toBeGreaterThan(0);
    expect(inWindow).toEqual(theirs);
  });

  it("shows the weak reviewer's accuracy on their scorecard, below every other reviewer's interval", () => {
    // Act
    const cards = Object.fromEntries(
      scorecardsOf(sumRows(world.facts.flatMap(reviewerCountersOf))).map((c) => [c.reviewer, c]),
    );

    // Assert
    const weak = cards.weak?.gold;
    expect(weak?.items).toBe(GOLD.minGoldItems);
    for (const name of ["ana", "ben", "cat", "dan"]) {
      const strong = cards[name]?.gold;
      expect(strong?.items).toBeGreaterThanOrEqual(GOLD.minGoldItems);
      expect(weak?.interval[1] ?? 1).toBeLessThan(strong?.accuracy ?? 0);
    }
  });

  it("gives the queue's kappa family from its counters, equal to a recomputation from the blind verdicts", () => {
    // Arrange: the queue row's profiles, from the counters
    const queueRow = sumRows(world.facts.flatMap(reviewerCountersOf)).find((r) => r.reviewer === QUEUE_ROW);
    const summary = agreementSummary(profilesFromCounters(queueRow?.counters ?? {}), {
      labels: LABELS,
      bootstrap: false,
    });

    // Act: Fleiss' kappa for two ratings per item (Scott's pi) and nominal alpha, written out by hand
    const items = world.blind.length;
    const agree = world.blind.filter(([a, b]) => a === b).length;
    const shares = LABELS.map((l) => world.blind.flat().filter((x) => x === l).length / (2 * items));
    const pe = shares.reduce((s, p) => s + p * p, 0);
    const kappa = (agree / items - pe) / (1 - pe);
    const n = 2 * items;
    const nc = LABELS.map((l) => world.blind.flat().filter((x) => x === l).length);
    const alpha = 1 - ((n - 1) * 2 * (items - agree)) / (n * n - nc.reduce((s, c) => s + c * c, 0));

    // Assert
    expect(items).toBe(200);
    expect(summary.fleiss.kappa).toBeCloseTo(kappa, 12);
    expect(summary.alpha.nominal.alpha).toBeCloseTo(alpha, 12);
    expect(summary.low).toBe(summary.fleiss.kappa < 0.6);
  });
});
