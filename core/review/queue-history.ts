import type { ReviewItem } from "./item";

/** Near SLA: the last 20% of a tier's time, as `GET /v1/queues` counts it. */
export const NEAR_SLA_SHARE = 0.2;
const MINUTE_MS = 60_000;
/** Windows up to this long are sampled every 5 minutes, longer ones every hour. */
export const FINE_WINDOW_MS = 24 * 60 * MINUTE_MS;

/** The fields of a review item the history reads (its committed history and current state). */
export type QueueHistoryRecord = Pick<
  ReviewItem,
  | "reviewId"
  | "status"
  | "round"
  | "deadline"
  | "enqueuedAt"
  | "claimedAt"
  | "createdAt"
  | "updatedAt"
  | "rounds"
  | "verdicts"
  | "escalations"
  | "breach"
  | "outcome"
>;

/** A stretch of time an item waited, unclaimed, in one queue and tier (`to` is Infinity while it still waits). */
export interface WaitingSpan {
  queue: string;
  tier: string;
  from: number;
  to: number;
  /** The round's queue entry and deadline: its SLA state at a time. */
  enqueuedAt: number;
  deadline?: number;
  /** The item's creation: ages are counted from it, as the live queue view does. */
  createdAt: number;
}

export interface QueueHistoryPoint {
  at: string;
  depth: number;
  oldestAgeSeconds: number;
  nearSla: number;
  pastSla: number;
}

export interface QueueHistorySeries {
  queue: string;
  tier: string;
  points: QueueHistoryPoint[];
}

export interface QueueHistory {
  since: string;
  until: string;
  stepSeconds: number;
  queues: QueueHistorySeries[];
}

const ms = (iso: string | undefined) => (iso === undefined ? Number.NaN : Date.parse(iso));
const finite = (values: number[]) => values.filter(Number.isFinite);

/**
 * When an item waited in which queue, from its history alone. A round waits from its queue entry to
 * its first claim that ended in a verdict (`claimedAt`), again after a verdict that left the round
 * open (double review), and ends with the round: the next round, its escalation or breach, the
 * outcome or a withdrawal. A current claim (status `claimed`) ends the wait at its `claimedAt`; a
 * claim that was released or ran out is not recorded apart, so that time counts as waiting.
 */
export function waitingSpans(item: QueueHistoryRecord): WaitingSpan[] {
  const spans: WaitingSpan[] = [];
  const createdAt = ms(item.createdAt);
  const rounds = [...(item.rounds ?? [])].sort((a, b) => a.round - b.round);
  rounds.forEach((round, i) => {
    const current = round.round === item.round;
    const open = current && (item.status === "pending" || item.status === "claimed");
    const escalation = (item.escalations ?? []).find((e) => e.round === round.round);
    const last = i === rounds.length - 1;
    const ends = finite([
      ms(rounds[i + 1]?.enqueuedAt),
      ms(escalation?.at),
      item.breach?.round === round.round ? ms(item.breach.at) : Number.NaN,
      last ? ms(item.outcome?.at) : Number.NaN,
    ]);
    // A closed last round with nothing else recorded (withdrawn) ended at the item's last write.
    if (!open && ends.length === 0 && last) ends.push(ms(item.updatedAt));
    let end = open ? Number.POSITIVE_INFINITY : Math.min(...ends, Number.POSITIVE_INFINITY);
    if (current && item.status === "claimed" && item.claimedAt) end = Math.min(end, ms(item.claimedAt));
    const deadline = ms(round.deadline ?? (current ? item.deadline : undefined));
    const base = {
      queue: round.queue,
      tier: round.tier,
      enqueuedAt: ms(round.enqueuedAt),
      createdAt,
      ...(Number.isFinite(deadline) ? { deadline } : {}),
    };
    const add = (from: number, to: number) => {
      if (Number.isFinite(from) && to > from) spans.push({ ...base, from, to });
    };
    const verdicts = item.verdicts
      .filter((v) => v.round === round.round)
      .sort((a, b) => ms(a.claimedAt ?? a.at) - ms(b.claimedAt ?? b.at));
    let start = ms(round.enqueuedAt);
    for (const verdict of verdicts) {
      add(start, Math.min(ms(verdict.claimedAt ?? verdict.at), end));
      start = Math.max(start, ms(verdict.at));
    }
    // After the verdicts the round waits on only if it stayed open, or ran out of time waiting.
    const settledByVerdict =
      verdicts.length > 0 && !open && (escalation?.cause === "disagreement" || (last && item.outcome));
    if (!settledByVerdict) add(start, end);
  });
  return spans;
}

/** 5-minute steps for a window up to a day, hourly ones beyond. */
export function historyStepMs(sinceMs: number, untilMs: number): number {
  return untilMs - sinceMs <= FINE_WINDOW_MS ? 5 * MINUTE_MS : 60 * MINUTE_MS;
}

/**
 * The instants a window is read at: every step boundary from `since` on, and `until` itself last,
 * so the newest point is the queues' state at `until` (at "now", what `GET /v1/queues` shows).
 */
export function sampleTimes(sinceMs: number, untilMs: number, stepMs: number): number[] {
  const times: number[] = [];
  for (let t = Math.ceil(sinceMs / stepMs) * stepMs; t < untilMs; t += stepMs) times.push(t);
  times.push(untilMs);
  return times;
}

/** A queue's state at `t`, from the spans of that queue and tier, with the live view's definitions. */
export function pointAt(spans: readonly WaitingSpan[], t: number): QueueHistoryPoint {
  const point = { at: new Date(t).toISOString(), depth: 0, oldestAgeSeconds: 0, nearSla: 0, pastSla: 0 };
  for (const span of spans) {
    if (t < span.from || t >= span.to) continue;
    point.depth += 1;
    point.oldestAgeSeconds = Math.max(point.oldestAgeSeconds, Math.round((t - span.createdAt) / 1000));
    if (span.deadline === undefined) continue;
    const left = (span.deadline - t) / 1000;
    const tierSeconds = Math.max(1, (span.deadline - span.enqueuedAt) / 1000);
    if (left <= 0) point.pastSla += 1;
    else if (left <= tierSeconds * NEAR_SLA_SHARE) point.nearSla += 1;
  }
  return point;
}

/**
 * Depth, oldest age, near and past SLA per queue and tier at each sample time of the window, from
 * the items' histories: `keep` says which queues the caller may see (and asked for). A queue and
 * tier appears when an item waited there during the window.
 */
export function queueHistory(
  items: readonly QueueHistoryRecord[],
  window: { sinceMs: number; untilMs: number },
  keep: (queue: string) => boolean = () => true,
): QueueHistory {
  const { sinceMs, untilMs } = window;
  const stepMs = historyStepMs(sinceMs, untilMs);
  const times = sampleTimes(sinceMs, untilMs, stepMs);
  const groups = new Map<string, WaitingSpan[]>();
  for (const item of items) {
    for (const span of waitingSpans(item)) {
      if (span.to <= sinceMs || span.from > untilMs || !keep(span.queue)) continue;
      const key = `${span.queue}\u0000${span.tier}`;
      const group = groups.get(key);
      if (group) group.push(span);
      else groups.set(key, [span]);
    }
  }
  const queues = [...groups.values()]
    .map((spans) => ({
      queue: spans[0]?.queue ?? "",
      tier: spans[0]?.tier ?? "",
      points: times.map((t) => pointAt(spans, t)),
    }))
    .sort((a, b) => a.queue.localeCompare(b.queue) || a.tier.localeCompare(b.tier));
  return {
    since: new Date(sinceMs).toISOString(),
    until: new Date(untilMs).toISOString(),
    stepSeconds: stepMs / 1000,
    queues,
  };
}

/** `?queue=claims` keeps `claims` and its tiers (`claims.tier-2`, its adjudication queue). */
export const matchesQueue = (asked: string | undefined) => (queue: string) =>
  asked === undefined || queue === asked || queue.startsWith(`${asked}.`);
