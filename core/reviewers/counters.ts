/**
 * The reviewer-quality counters: what each committed fact adds, per reviewer × queue × UTC hour.
 * Integers only (times in milliseconds), so rows add up in any order across hours, shards and
 * writers, and a rebuild from the records gives the same numbers. Scorecards read sums of rows.
 */

import { type Counters, encodePart, hourOf, pairCounter, toMs } from "../metrics/counters";
import { bucketCounter } from "../metrics/histogram";
import type { LabelCounts, RatingProfile } from "../stats/ratings";

/** One counter row. `reviewer` is {@link QUEUE_ROW} for the queue's own agreement profiles. */
export interface ReviewerKey {
  reviewer: string;
  queue: string;
  /** ISO hour, e.g. "2026-11-25T12". */
  hour: string;
}

export interface ReviewerDelta {
  key: ReviewerKey;
  counters: Counters;
}

/** The row of a queue's agreement profiles (no reviewer id is "*": ids are token subjects). */
export const QUEUE_ROW = "*";

/** A reviewer's verdict on one item (real or gold), committed with the item. */
export interface VerdictFact {
  type: "verdict";
  /** Unique per verdict (e.g. review id, round, reviewer), so a redelivered fact is counted once. */
  id: string;
  reviewer: string;
  queue: string;
  at: string;
  handlingSeconds: number;
  label: string;
  /** The model's label, shown or not. */
  predictedLabel: string;
  /** Given before the round's SLA deadline. */
  withinSla: boolean;
  /** For a gold item: the right label. Gold verdicts count only here, never in experiment metrics. */
  goldLabel?: string;
}

/** A multi-reviewed item settled: its first `reviewsPerItem` blind verdicts, and the adjudication if any. */
export interface AgreementFact {
  type: "agreement";
  id: string;
  queue: string;
  at: string;
  /** Only the blind ones: adaptive extras were added because these disagreed and would bias agreement. */
  verdicts: readonly { reviewer: string; label: string }[];
  /** The adjudicator's label, when the item went to adjudication. */
  adjudicated?: string;
  /** false: not in the queue's rating profile (a re-review: only a paused reviewer's verdicts get one). */
  profile?: false;
}

/** A claim ended without a verdict: released by the reviewer, or its lease ran out. */
export interface LeaseFact {
  type: "released" | "lease-expired";
  id: string;
  reviewer: string;
  queue: string;
  at: string;
}

export type ReviewerFact = VerdictFact | AgreementFact | LeaseFact;

/** Counter names. */
export const R = {
  /** Verdicts on real items (held and audit). */
  decided: "decided",
  /** Verdicts on real items that differ from the model's label. */
  overrides: "overrides",
  withinSla: "withinSla",
  /** Sum of handling time over every verdict, real and gold (gold items are served like real ones). */
  handlingMs: "handlingMs",
  handlingCount: "handlingCount",
  gold: "gold",
  goldCorrect: "goldCorrect",
  /** Ordered pairs (this reviewer's label, another blind reviewer's label) on multi-reviewed items. */
  peerPairs: "peerPairs",
  peerAgree: "peerAgree",
  /** This reviewer's blind verdicts on items that went to adjudication, and how many the adjudicator upheld. */
  adjudicated: "adjudicated",
  adjudicatedAgree: "adjudicatedAgree",
  releases: "releases",
  leaseExpiries: "leaseExpiries",
} as const;

/** Counter families whose name carries a value. Peer pairs use `pair:<mine>|<theirs>` (see pairCounter). */
export const RP = {
  /** Handling-time histogram in milliseconds (core/metrics/histogram.ts). */
  handling: "h:",
  /** `label:<label>`: real verdicts with this label. */
  label: "label:",
  /** `profile:[<queue>|]<label>=<n>,…`: multi-reviewed items with these blind label counts (see profileCounter). */
  profile: "profile:",
} as const;

/**
 * The counter of items whose blind verdicts had these counts; labels sorted, so equal counts share
 * it. `queue` scopes it, for counter rows that hold several queues (an experiment arm's):
 * `profile:<queue>|<label>=<n>,…`. Labels and queues are URI-encoded, so `|`, `=` and `,` in them
 * cannot confuse the name.
 */
export function profileCounter(counts: LabelCounts, queue?: string): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${encodePart(label)}=${n}`)
    .sort();
  return `${RP.profile}${queue === undefined ? "" : `${encodePart(queue)}|`}${parts.join(",")}`;
}

/**
 * The rating profiles in a sum of counter rows, for `hitl-lab/stats` (fleiss, alpha,
 * agreementSummary): every profile counter, or with `queue` only those scoped to it.
 */
export function profilesFromCounters(counters: Readonly<Counters>, queue?: string): RatingProfile[] {
  const profiles: RatingProfile[] = [];
  for (const [name, items] of Object.entries(counters)) {
    if (!name.startsWith(RP.profile) || items <= 0) continue;
    const rest = name.slice(RP.profile.length);
    const bar = rest.indexOf("|");
    const scope = bar >= 0 ? decodeURIComponent(rest.slice(0, bar)) : undefined;
    if (queue !== undefined && scope !== queue) continue;
    const counts: Record<string, number> = {};
    for (const part of rest.slice(bar + 1).split(",")) {
      const at = part.lastIndexOf("=");
      if (at > 0) counts[decodeURIComponent(part.slice(0, at))] = Number(part.slice(at + 1));
    }
    profiles.push({ counts, items });
  }
  return profiles;
}

/** Identity of a row, for maps. */
export function reviewerKeyId(key: ReviewerKey): string {
  return `${key.queue}\u0000${key.hour}\u0000${key.reviewer}`;
}

function verdictCounters(fact: VerdictFact): Counters {
  const out: Counters = { [R.handlingMs]: toMs(fact.handlingSeconds), [R.handlingCount]: 1 };
  out[bucketCounter(RP.handling, toMs(fact.handlingSeconds))] = 1;
  if (fact.goldLabel !== undefined) {
    out[R.gold] = 1;
    if (fact.label === fact.goldLabel) out[R.goldCorrect] = 1;
    return out;
  }
  out[R.decided] = 1;
  out[`${RP.label}${encodePart(fact.label)}`] = 1;
  if (fact.label !== fact.predictedLabel) out[R.overrides] = 1;
  if (fact.withinSla) out[R.withinSla] = 1;
  return out;
}

function agreementDeltas(fact: AgreementFact, hour: string): ReviewerDelta[] {
  const reviewers = fact.verdicts.map((v) => v.reviewer);
  if (new Set(reviewers).size !== reviewers.length) {
    throw new RangeError(`agreement fact ${fact.id}: a reviewer appears twice among the blind verdicts`);
  }
  const deltas: ReviewerDelta[] = [];
  if (fact.verdicts.length >= 2 && fact.profile !== false) {
    const counts: Record<string, number> = {};
    for (const v of fact.verdicts) counts[v.label] = (counts[v.label] ?? 0) + 1;
    deltas.push({
      key: { reviewer: QUEUE_ROW, queue: fact.queue, hour },
      counters: { [profileCounter(counts)]: 1 },
    });
  }
  fact.verdicts.forEach((mine, i) => {
    const counters: Counters = {};
    const add = (name: string) => {
      counters[name] = (counters[name] ?? 0) + 1;
    };
    fact.verdicts.forEach((theirs, j) => {
      if (i === j) return;
      add(R.peerPairs);
      if (mine.label === theirs.label) add(R.peerAgree);
      add(pairCounter(mine.label, theirs.label));
    });
    if (fact.adjudicated !== undefined) {
      add(R.adjudicated);
      if (mine.label === fact.adjudicated) add(R.adjudicatedAgree);
    }
    if (Object.keys(counters).length > 0)
      deltas.push({ key: { reviewer: mine.reviewer, queue: fact.queue, hour }, counters });
  });
  return deltas;
}

/**
 * What one fact adds, row by row: a verdict and a lease fact change their reviewer's row; an
 * agreement fact changes the row of every blind reviewer of the item (peer pairs, adjudication)
 * and the queue's row (its rating profile). Rows are keyed by the hour of the fact.
 *
 * @throws RangeError for an agreement fact that lists a reviewer twice
 */
export function reviewerCountersOf(fact: ReviewerFact): ReviewerDelta[] {
  const hour = hourOf(fact.at);
  switch (fact.type) {
    case "verdict":
      return [{ key: { reviewer: fact.reviewer, queue: fact.queue, hour }, counters: verdictCounters(fact) }];
    case "agreement":
      return agreementDeltas(fact, hour);
    case "released":
    case "lease-expired":
      return [
        {
          key: { reviewer: fact.reviewer, queue: fact.queue, hour },
          counters: { [fact.type === "released" ? R.releases : R.leaseExpiries]: 1 },
        },
      ];
  }
}
