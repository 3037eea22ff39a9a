/**
 * The reviewer's own scorecard page (`GET /v1/reviewers/me`): one row per queue they worked, with
 * their standing, and gold accuracy drawn as a bar with its interval against the queue's minimum.
 * Pure: the page turns these rows into DOM (app.ts).
 */

type Num = number | null;

export interface Card {
  queue: string;
  decided: number;
  handlingSeconds: { median: Num; p90: Num };
  gold: { items: number; correct: number; accuracy: Num; interval: [Num, Num] };
  peers: { pairs: number; agreement: Num };
  adjudication: { items: number; rate: Num };
  overrides: { rate: Num };
  sla: { share: Num };
  releases: number;
  leaseExpiries: number;
  standing: { status: string; since: string; reason: string } | null;
}

export interface ScorecardAnswer {
  reviewers: Card[];
}

export interface ScorecardRow {
  queue: string;
  status: string;
  reason: string;
  cells: string[];
  /** Gold accuracy and its interval as percentages of the bar's width; null without gold verdicts. */
  gold: { accuracy: string; lower: string; upper: string; label: string } | null;
}

const pct = (x: Num) => (x === null ? "–" : `${Math.round(x * 100)}%`);
const secs = (x: Num) => (x === null ? "–" : `${x.toFixed(0)} s`);
const width = (x: Num) => `${Math.round(Math.max(0, Math.min(1, x ?? 0)) * 1000) / 10}%`;

export const SCORECARD_COLUMNS = [
  "Queue",
  "Standing",
  "Decided",
  "Gold right",
  "Agree with peers",
  "Upheld",
  "Overrides",
  "Within SLA",
  "Median",
  "Released / expired",
] as const;

export function scorecardRows(answer: ScorecardAnswer): ScorecardRow[] {
  return answer.reviewers.map((c) => ({
    queue: c.queue,
    status: c.standing?.status ?? "not judged",
    reason: c.standing?.reason ?? "",
    cells: [
      c.queue,
      c.standing?.status ?? "not judged",
      String(c.decided),
      c.gold.items > 0 ? `${c.gold.correct} of ${c.gold.items}` : "–",
      c.peers.pairs > 0 ? pct(c.peers.agreement) : "–",
      c.adjudication.items > 0 ? pct(c.adjudication.rate) : "–",
      pct(c.overrides.rate),
      pct(c.sla.share),
      secs(c.handlingSeconds.median),
      `${c.releases} / ${c.leaseExpiries}`,
    ],
    gold:
      c.gold.items > 0
        ? {
            accuracy: width(c.gold.accuracy),
            lower: width(c.gold.interval[0]),
            upper: width(c.gold.interval[1]),
            label: `gold accuracy ${pct(c.gold.accuracy)}, 95% interval ${pct(c.gold.interval[0])} to ${pct(c.gold.interval[1])}`,
          }
        : null,
  }));
}
