/**
 * `GET /v1/reviewers` and `/v1/reviewers/me`: scorecards per reviewer and queue over a period, read
 * from the reviewer rows (counted from the records, exactly once) and the reviewers' standing.
 */

import { z } from "zod";
import { validationFailed } from "../errors";
import { parseWithSchema } from "../experiments/validate";
import { hourOf, parsePairCounter } from "../metrics/counters";
import { parseReviewerRowArm } from "../metrics/implied/reviewer";
import type { CounterRow } from "../metrics/read";
import { weightedKappa } from "../stats/agreement";
import { type AgreementSummary, agreementSummary } from "../stats/agreement-summary";
import { profilesFromCounters, QUEUE_ROW, type ReviewerDelta } from "./counters";
import type { ReviewerStates } from "./ports";
import type { QualificationStatus } from "./qualification";
import { type Scorecard, scorecardsOf, sumRows } from "./scorecard";

const Time = z.iso.datetime({ offset: true });

export const ScorecardQuerySchema = z.strictObject({
  queue: z.string().min(1).max(200).optional(),
  reviewer: z.string().min(1).max(200).optional(),
  /** From this time (its UTC hour) on; default: everything counted. */
  from: Time.optional(),
  /** Before this time's UTC hour ends; default: now. */
  to: Time.optional(),
});

export type ScorecardQuery = z.infer<typeof ScorecardQuerySchema>;

/** The query of a scorecard request; a malformed one is a 400 naming the field. */
export function parseScorecardQuery(query: Readonly<Record<string, string>>): ScorecardQuery {
  const parsed = parseWithSchema(ScorecardQuerySchema, query, "query");
  if (!parsed.ok) throw validationFailed("scorecard query", parsed.errors);
  if (parsed.value.from && parsed.value.to && parsed.value.from > parsed.value.to)
    throw validationFailed("scorecard query", [{ path: "to", message: "must not be before from" }]);
  return parsed.value;
}

export interface ReviewerScorecard extends Scorecard {
  standing: { status: QualificationStatus; since: string; reason: string; changedBy: string } | null;
}

export interface QueueAgreement {
  queue: string;
  /** Items with several blind reviews in the period. */
  items: number;
  summary: AgreementSummary | null;
  /**
   * For ordered labels: linear weighted kappa over every pair of blind reviewers of the queue's
   * items, both orders (a symmetric table: it does not depend on who reviewed first); else null.
   */
  weightedKappa: number | null;
}

export interface ScorecardPage {
  from: string | null;
  to: string | null;
  reviewers: ReviewerScorecard[];
  queues: QueueAgreement[];
}

export interface ScorecardDeps {
  /** The reviewer rows from an hour on (all when absent). */
  rows: (fromHour?: string) => Promise<CounterRow[]>;
  states: Pick<ReviewerStates, "list" | "get">;
  /** The labels of the experiment naming the queue, and whether they are ordered (lowest first). */
  labelsOf?: (queue: string) => Promise<{ labels: string[]; ordered: boolean } | undefined>;
}

/** Linear weighted kappa of the summed ordered pairs (`pair:<mine>|<theirs>`) of a queue's reviewers. */
export function queueWeightedKappa(
  counters: readonly Readonly<Record<string, number>>[],
  labels: readonly string[],
): number | null {
  const index = new Map(labels.map((l, i) => [l, i]));
  const table = labels.map(() => labels.map(() => 0));
  let n = 0;
  for (const row of counters)
    for (const [name, count] of Object.entries(row)) {
      const pair = parsePairCounter(name);
      const [i, j] = pair ? [index.get(pair[0]), index.get(pair[1])] : [undefined, undefined];
      const cells = i === undefined ? undefined : table[i];
      if (!cells || j === undefined) continue;
      cells[j] = (cells[j] ?? 0) + count;
      n += count;
    }
  if (n === 0) return null;
  const k = weightedKappa(table, "linear");
  return Number.isFinite(k) ? k : null;
}

/** Scorecards (and each queue's agreement across its reviewers) for the rows the query selects. */
export async function reviewerScorecards(deps: ScorecardDeps, query: ScorecardQuery): Promise<ScorecardPage> {
  const fromHour = query.from ? hourOf(query.from) : undefined;
  const toHour = query.to ? hourOf(query.to) : undefined;
  const rows = await deps.rows(fromHour);
  const deltas: ReviewerDelta[] = [];
  for (const row of rows) {
    if ((fromHour && row.hour < fromHour) || (toHour && row.hour > toHour)) continue;
    const key = parseReviewerRowArm(row.arm);
    if (!key || (query.queue !== undefined && key.queue !== query.queue)) continue;
    deltas.push({ key: { ...key, hour: row.hour }, counters: row.counters });
  }
  const summed = sumRows(deltas);
  // One reviewer (their own page): a read per queue they worked; else the queue's (or every) state.
  const states =
    query.reviewer !== undefined
      ? (
          await Promise.all(
            summed
              .filter((r) => r.reviewer === query.reviewer)
              .map((r) => deps.states.get(r.queue, r.reviewer)),
          )
        ).filter((s) => s !== undefined)
      : await deps.states.list(query.queue);
  const standing = new Map(states.map((s) => [`${s.queue}\u0000${s.reviewer}`, s.qualification]));
  const reviewers = scorecardsOf(summed)
    .filter((card) => query.reviewer === undefined || card.reviewer === query.reviewer)
    .map((card): ReviewerScorecard => {
      const q = standing.get(`${card.queue}\u0000${card.reviewer}`);
      return {
        ...card,
        standing: q
          ? { status: q.status, since: q.changedAt, reason: q.reason, changedBy: q.changedBy }
          : null,
      };
    })
    .sort((a, b) => a.queue.localeCompare(b.queue) || a.reviewer.localeCompare(b.reviewer));
  const queues = (
    await Promise.all(
      summed
        .filter((row) => row.reviewer === QUEUE_ROW)
        .map(async (row): Promise<QueueAgreement> => {
          const profiles = profilesFromCounters(row.counters);
          const items = profiles.reduce((s, p) => s + p.items, 0);
          const scale = await deps.labelsOf?.(row.queue);
          const ordered = scale?.ordered === true && scale.labels.length >= 2 ? scale.labels : undefined;
          const pairs = summed.filter((r) => r.queue === row.queue && r.reviewer !== QUEUE_ROW);
          return {
            queue: row.queue,
            items,
            summary:
              items > 0
                ? agreementSummary(profiles, {
                    bootstrap: false,
                    ...(ordered ? { labels: ordered, ordered: true } : {}),
                  })
                : null,
            weightedKappa:
              ordered && items > 0
                ? queueWeightedKappa(
                    pairs.map((r) => r.counters),
                    ordered,
                  )
                : null,
          };
        }),
    )
  ).sort((a, b) => a.queue.localeCompare(b.queue));
  return { from: query.from ?? null, to: query.to ?? null, reviewers, queues };
}
