/**
 * The team's quality page for admins (`GET /v1/reviewers`): every reviewer's scorecard per queue,
 * with the gold bar, and each queue's agreement across its reviewers. Pure: app.ts renders it.
 */

import { type Card, SCORECARD_COLUMNS, type ScorecardRow, scorecardRows } from "./scorecard";

type Num = number | null;

export interface TeamCard extends Card {
  reviewer: string;
}

export interface QueueAgreementAnswer {
  queue: string;
  items: number;
  summary: {
    fleiss: { kappa: number; interval?: [Num, Num] | null };
    alpha: { nominal: { alpha: number }; ordinal?: { alpha: number } };
    low: boolean | null;
    threshold: number;
  } | null;
  weightedKappa?: Num;
}

export interface TeamAnswer {
  reviewers: TeamCard[];
  queues: QueueAgreementAnswer[];
}

export const TEAM_COLUMNS = ["Reviewer", ...SCORECARD_COLUMNS] as const;
/** Where the gold bar goes in a team row (after the reviewer's column). */
export const TEAM_GOLD_COLUMN = 4;

export const AGREEMENT_COLUMNS = [
  "Queue",
  "Items",
  "Fleiss κ [95% CI]",
  "α nominal",
  "α ordinal",
  "Weighted κ",
  "Flag",
] as const;

const num = (x: Num | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(2);

/** One row per reviewer and queue, the reviewer first: the scorecard's cells after their name. */
export function teamRows(answer: TeamAnswer): (ScorecardRow & { reviewer: string })[] {
  const rows = scorecardRows({ reviewers: answer.reviewers });
  return rows.map((row, i) => {
    const reviewer = answer.reviewers[i]?.reviewer ?? "";
    return { ...row, reviewer, cells: [reviewer, ...row.cells] };
  });
}

/** Each queue's agreement across its reviewers; the flag names the threshold it fell below. */
export function agreementRows(answer: TeamAnswer): { queue: string; low: boolean; cells: string[] }[] {
  return answer.queues.map((q) => {
    const s = q.summary;
    const ci = s?.fleiss.interval;
    return {
      queue: q.queue,
      low: s?.low === true,
      cells: [
        q.queue,
        String(q.items),
        s ? `${num(s.fleiss.kappa)}${ci ? ` [${num(ci[0])}, ${num(ci[1])}]` : ""}` : "–",
        num(s?.alpha.nominal.alpha),
        num(s?.alpha.ordinal?.alpha),
        num(q.weightedKappa),
        s?.low ? `below ${s.threshold}` : s?.low === false ? "" : "–",
      ],
    };
  });
}
