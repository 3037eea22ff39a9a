import { describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors";
import { claimNext, queueStats, submitVerdict } from "../../../core/review/desk";
import type { HoldRound, Verdict } from "../../../core/review/item";
import {
  historyStepMs,
  matchesQueue,
  type QueueHistoryRecord,
  queueHistory,
  sampleTimes,
} from "../../../core/review/queue-history";
import { historyWindow, readQueueHistory } from "../../../core/review/queue-history-query";
import { fixed, fixedMs } from "../../support/clock";
import { reviewer, reviewWorld } from "../../support/review-world";

const MIN = 60_000;
const t = (hhmm: string) => fixed(`2026-11-25T${hhmm}:00.000Z`);
const ms = (hhmm: string) => fixedMs(`2026-11-25T${hhmm}:00.000Z`);

const round = (n: number, queue: string, tier: string, enqueued: string, deadline: string): HoldRound => ({
  round: n,
  queue,
  tier,
  enqueuedAt: t(enqueued),
  deadline: t(deadline),
});

const verdict = (n: number, claimed: string, at: string, reviewerId = "alice"): Verdict => ({
  reviewer: reviewerId,
  label: "approve",
  handlingSeconds: 60,
  at: t(at),
  tier: "first",
  round: n,
  claimedAt: t(claimed),
  price: { hourlyRateUsd: 30 },
});

/** A held item entered at 12:00 with a one-hour SLA, still waiting unless the test says otherwise. */
function item(overrides: Partial<QueueHistoryRecord> = {}): QueueHistoryRecord {
  return {
    reviewId: "rv-1",
    status: "pending",
    round: 1,
    deadline: t("13:00"),
    enqueuedAt: t("12:00"),
    createdAt: t("11:58"),
    updatedAt: t("12:00"),
    rounds: [round(1, "claims", "first", "12:00", "13:00")],
    verdicts: [],
    escalations: [],
    ...overrides,
  };
}

const depths = (records: QueueHistoryRecord[], since: string, until: string) =>
  queueHistory(records, { sinceMs: ms(since), untilMs: ms(until) }).queues.map((q) => ({
    queue: q.queue,
    tier: q.tier,
    depth: q.points.map((p) => p.depth).join(""),
  }));

describe("queue history buckets", () => {
  it("reads a window of up to a day every 5 minutes and a longer one every hour", () => {
    expect(historyStepMs(ms("00:00"), ms("00:00") + 24 * 60 * MIN)).toBe(5 * MIN);
    expect(historyStepMs(ms("00:00"), ms("00:00") + 24 * 60 * MIN + 1)).toBe(60 * MIN);
  });

  it("samples every step boundary from since on and ends at until itself", () => {
    const times = sampleTimes(ms("12:02"), ms("12:17") + 30_000, 5 * MIN);

    expect(times.map((x) => new Date(x).toISOString())).toEqual([
      t("12:05"),
      t("12:10"),
      t("12:15"),
      fixed("2026-11-25T12:17:30.000Z"),
    ]);
  });

  it("counts a waiting item's depth, its age from creation, near SLA in the tier's last 20% and past SLA at the deadline", () => {
    const history = queueHistory([item()], { sinceMs: ms("12:45"), untilMs: ms("13:05") });

    expect(history.stepSeconds).toBe(300);
    expect(history.queues).toEqual([
      {
        queue: "claims",
        tier: "first",
        points: [
          { at: t("12:45"), depth: 1, oldestAgeSeconds: 47 * 60, nearSla: 0, pastSla: 0 },
          { at: t("12:50"), depth: 1, oldestAgeSeconds: 52 * 60, nearSla: 1, pastSla: 0 },
          { at: t("12:55"), depth: 1, oldestAgeSeconds: 57 * 60, nearSla: 1, pastSla: 0 },
          { at: t("13:00"), depth: 1, oldestAgeSeconds: 62 * 60, nearSla: 0, pastSla: 1 },
          { at: t("13:05"), depth: 1, oldestAgeSeconds: 67 * 60, nearSla: 0, pastSla: 1 },
        ],
      },
    ]);
  });

  it("ends the wait at the claim that led to the verdict", () => {
    const decided = item({
      status: "decided",
      verdicts: [verdict(1, "12:12", "12:14")],
      outcome: { label: "approve", source: "reviewer", at: t("12:14") },
    });

    expect(depths([decided], "12:00", "12:20")).toEqual([{ queue: "claims", tier: "first", depth: "11100" }]);
  });

  it("counts a double-reviewed item again between the first verdict and the second claim", () => {
    const decided = item({
      status: "decided",
      verdicts: [verdict(1, "12:04", "12:06"), verdict(1, "12:13", "12:16", "bob")],
      outcome: { label: "approve", source: "reviewer", at: t("12:16") },
    });

    expect(depths([decided], "12:00", "12:20")).toEqual([{ queue: "claims", tier: "first", depth: "10100" }]);
  });

  it("moves an escalated item to the next tier's queue when its SLA runs out", () => {
    const escalated = item({
      round: 2,
      deadline: t("14:00"),
      rounds: [
        round(1, "claims", "first", "12:00", "12:10"),
        round(2, "claims.tier-2", "tier-2", "12:10", "14:00"),
      ],
      escalations: [{ round: 1, at: t("12:10"), fromTier: "first", toTier: "tier-2", cause: "sla" }],
    });

    expect(depths([escalated], "12:00", "12:20")).toEqual([
      { queue: "claims", tier: "first", depth: "11000" },
      { queue: "claims.tier-2", tier: "tier-2", depth: "00111" },
    ]);
  });

  it("takes an item out while it is claimed and when it is withdrawn", () => {
    const claimed = item({ reviewId: "rv-c", status: "claimed", claimedAt: t("12:07") });
    const withdrawn = item({ reviewId: "rv-w", status: "withdrawn", updatedAt: t("12:12") });

    expect(depths([claimed, withdrawn], "12:00", "12:20")).toEqual([
      { queue: "claims", tier: "first", depth: "22100" },
    ]);
  });

  it("keeps only the queues asked for: a queue and its tiers", () => {
    const keep = matchesQueue("claims");

    expect([keep("claims"), keep("claims.tier-2"), keep("claims-eu"), keep("audit")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("queue history query", () => {
  const now = ms("12:00");
  const issues = (query: Record<string, string>) => {
    try {
      historyWindow(query, now);
    } catch (error) {
      if (error instanceof DomainError) return { status: error.status, details: error.details };
      throw error;
    }
    return undefined;
  };

  it("reads the last day up to now by default and never past now", () => {
    expect(historyWindow({}, now)).toEqual({ sinceMs: now - 24 * 60 * MIN, untilMs: now });
    expect(historyWindow({ until: t("13:00"), queue: "claims" }, now)).toEqual({
      queue: "claims",
      sinceMs: now - 24 * 60 * MIN,
      untilMs: now,
    });
  });

  it("answers 400 naming the field for a bad time, a window backwards or too long, and an unknown parameter", () => {
    expect(issues({ since: "yesterday" })?.details?.[0]?.path).toBe("since");
    expect(issues({ since: t("12:00"), until: t("11:00") })).toEqual({
      status: 400,
      details: [{ path: "since", message: `must be before until (${t("11:00")}, at most now)` }],
    });
    expect(issues({ since: fixed("2026-10-01T00:00:00Z"), until: t("11:00") })?.details).toEqual([
      { path: "since", message: "the window may span at most 31 days" },
    ]);
    expect(issues({ limit: "3" })?.status).toBe(400);
    expect(issues({ limit: "3" })?.details?.[0]?.path).toContain("limit");
  });
});

describe("queue history against the live view", () => {
  it("ends at now with the numbers GET /v1/queues shows, for the queues the reviewer may see", async () => {
    // Arrange: three held items, one decided, one still waiting past its SLA.
    const w = await reviewWorld();
    const alice = reviewer("alice");
    await w.hold({ decisionId: "d-1" });
    w.clock.advance(600);
    await w.hold({ decisionId: "d-2" });
    await w.hold({ decisionId: "d-3" });
    w.clock.advance(60);
    const claimed = await claimNext(w.desk, alice, "default");
    w.clock.advance(30);
    await submitVerdict(w.desk, alice, claimed?.reviewId ?? "", { label: "approve", handlingSeconds: 30 });
    w.clock.advance(3000);
    const history = { activeBetween: async () => [...w.reviews.items.values()] };

    // Act
    const answer = await readQueueHistory({ history, now: w.clock.now }, alice, {});
    const live = await queueStats(w.desk, alice);

    // Assert
    const last = answer.queues.map((q) => ({ queue: q.queue, ...q.points.at(-1) }));
    expect(last.map(({ at: _at, ...point }) => point)).toEqual(live);
    expect(live[0]?.depth).toBe(2);
    const hidden = await readQueueHistory({ history, now: w.clock.now }, { ...alice, queues: ["audit"] }, {});
    expect(hidden.queues).toEqual([]);
  });
});
