/**
 * The kappa family of an experiment's report: Fleiss' kappa and Krippendorff's alpha (nominal;
 * ordinal and interval for ordered labels) with intervals, weighted kappa of the first two blind
 * labels for ordered labels, per-label agreement and the flag below the threshold, per arm, per
 * queue, per arm × queue and overall. From the per-item label counts the counters carry
 * (`profile:<queue>|<label>=<n>,…`, counted from each settled multi-reviewed item).
 */

import { addCounters, type Counters, parsePairCounter } from "../metrics/counters";
import { profilesFromCounters, RP } from "../reviewers/counters";
import { weightedKappa } from "../stats/agreement";
import { type AgreementSummary, agreementSummary } from "../stats/agreement-summary";
import type { RatingProfile } from "../stats/ratings";

export interface AgreementRow {
  /** Multi-reviewed items settled by their reviewers. */
  items: number;
  summary: AgreementSummary | null;
  /** Linear weighted kappa of the first two blind labels, for ordered labels; null otherwise. */
  weightedKappa: number | null;
}

export interface AgreementFamily {
  threshold: number;
  labels: string[];
  ordered: boolean;
  overall: AgreementRow;
  arms: (AgreementRow & { arm: string })[];
  queues: (AgreementRow & { queue: string })[];
  armQueues: (AgreementRow & { arm: string; queue: string })[];
}

export interface FamilyOptions {
  labels: readonly string[];
  ordered: boolean;
  threshold: number;
  /** Bootstrap samples for alpha's intervals (default 1000). */
  samples?: number;
}

/** The queues profile counters are scoped to. */
function queuesOf(counters: Readonly<Counters>): string[] {
  const queues = new Set<string>();
  for (const name of Object.keys(counters)) {
    if (!name.startsWith(RP.profile)) continue;
    const rest = name.slice(RP.profile.length);
    const bar = rest.indexOf("|");
    if (bar >= 0) queues.add(decodeURIComponent(rest.slice(0, bar)));
  }
  return [...queues].sort();
}

function weighted(counters: Readonly<Counters>, labels: readonly string[]): number | null {
  const index = new Map(labels.map((l, i) => [l, i]));
  const table = labels.map(() => labels.map(() => 0));
  let n = 0;
  for (const [name, count] of Object.entries(counters)) {
    const pair = parsePairCounter(name);
    if (!pair) continue;
    const [i, j] = [index.get(pair[0]), index.get(pair[1])];
    if (i === undefined || j === undefined) continue;
    const row = table[i];
    if (row) row[j] = (row[j] ?? 0) + count;
    n += count;
  }
  if (n === 0) return null;
  const k = weightedKappa(table, "linear");
  return Number.isFinite(k) ? k : null;
}

function row(profiles: RatingProfile[], options: FamilyOptions, pairs?: Readonly<Counters>): AgreementRow {
  const items = profiles.reduce((s, p) => s + p.items, 0);
  const ordered = options.ordered && options.labels.length >= 2;
  return {
    items,
    summary:
      items > 0
        ? agreementSummary(profiles, {
            labels: options.labels,
            ordered,
            threshold: options.threshold,
            bootstrap: { samples: options.samples ?? 1000 },
          })
        : null,
    weightedKappa: ordered && pairs ? weighted(pairs, options.labels) : null,
  };
}

/** The family from each arm's counters summed over the report's period. */
export function agreementFamily(
  byArm: ReadonlyMap<string, Readonly<Counters>>,
  options: FamilyOptions,
): AgreementFamily {
  const all: Counters = {};
  for (const counters of byArm.values()) addCounters(all, counters);
  const queues = queuesOf(all);
  const arms = [...byArm.keys()].sort();
  return {
    threshold: options.threshold,
    labels: [...options.labels],
    ordered: options.ordered,
    overall: row(profilesFromCounters(all), options, all),
    arms: arms.map((arm) => {
      const counters = byArm.get(arm) ?? {};
      return { arm, ...row(profilesFromCounters(counters), options, counters) };
    }),
    // Pair counters carry no queue: weighted kappa is shown per arm and overall.
    queues: queues.map((queue) => ({ queue, ...row(profilesFromCounters(all, queue), options) })),
    armQueues: arms.flatMap((arm) =>
      queuesOf(byArm.get(arm) ?? {}).map((queue) => ({
        arm,
        queue,
        ...row(profilesFromCounters(byArm.get(arm) ?? {}, queue), options),
      })),
    ),
  };
}
