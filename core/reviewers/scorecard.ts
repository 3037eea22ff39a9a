/**
 * A reviewer's scorecard for one queue over a period, from the sum of their counter rows and the
 * sum of every reviewer's rows in that queue.
 */

import { addCounters, type Counters, P, parsePairCounter } from "../metrics/counters";
import { LogHistogram } from "../metrics/histogram";
import { cohenKappa } from "../stats/agreement";
import { chiSquareSf } from "../stats/distributions";
import { wilson } from "../stats/proportions";
import { QUEUE_ROW, R, type ReviewerDelta, RP } from "./counters";

/** A number, or null when there is nothing to compute it from. */
type Num = number | null;

export interface Scorecard {
  reviewer: string;
  queue: string;
  /** Verdicts on real items. */
  decided: number;
  /** Over every verdict, real and gold (the histogram's 1% relative accuracy). */
  handlingSeconds: { median: Num; p90: Num; mean: Num };
  gold: { items: number; correct: number; accuracy: Num; interval: [Num, Num] };
  /** Against the other blind reviewers of the same items: share of agreeing pairs and Cohen's kappa of (mine, theirs). */
  peers: { pairs: number; agreement: Num; kappa: Num };
  /** On items that went to adjudication: share of this reviewer's verdicts the adjudicator upheld. */
  adjudication: { items: number; upheld: number; rate: Num; interval: [Num, Num] };
  overrides: { count: number; rate: Num };
  sla: { within: number; share: Num };
  /** Share of each label among this reviewer's real verdicts and among the rest of the queue's. */
  labels: Record<string, { count: number; share: Num; restShare: Num }>;
  /**
   * Does this reviewer label differently from the rest of the queue? Total variation distance of the
   * two label distributions, and the p-value of Pearson's chi-square test of homogeneity.
   */
  labelShift: { distance: Num; pValue: Num };
  releases: number;
  leaseExpiries: number;
}

export interface ScorecardRow {
  reviewer: string;
  queue: string;
  /** Sum of the reviewer's rows over the period ({@link QUEUE_ROW} rows are ignored). */
  counters: Counters;
}

const ratio = (x: number, n: number): Num => (n > 0 ? x / n : null);
const finite = (x: number): Num => (Number.isFinite(x) ? x : null);
const interval = (x: number, n: number, confidence: number): [Num, Num] =>
  n > 0 ? wilson(x, n, confidence) : [null, null];

function labelCounts(counters: Readonly<Counters>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, value] of Object.entries(counters)) {
    if (name.startsWith(RP.label) && value > 0)
      out.set(decodeURIComponent(name.slice(RP.label.length)), value);
  }
  return out;
}

function peerKappa(counters: Readonly<Counters>): Num {
  const cells: [string, string, number][] = [];
  const labels = new Set<string>();
  for (const [name, value] of Object.entries(counters)) {
    const pair = name.startsWith(P.pair) ? parsePairCounter(name) : undefined;
    if (!pair || value <= 0) continue;
    cells.push([pair[0], pair[1], value]);
    labels.add(pair[0]).add(pair[1]);
  }
  if (cells.length === 0) return null;
  const order = [...labels];
  const table = order.map(() => order.map(() => 0));
  for (const [mine, theirs, value] of cells) {
    const row = table[order.indexOf(mine)];
    if (row) row[order.indexOf(theirs)] = (row[order.indexOf(theirs)] ?? 0) + value;
  }
  return finite(cohenKappa(table));
}

function labelShift(mine: Map<string, number>, rest: Map<string, number>) {
  const labels = [...new Set([...mine.keys(), ...rest.keys()])];
  const a = labels.reduce((s, l) => s + (mine.get(l) ?? 0), 0);
  const b = labels.reduce((s, l) => s + (rest.get(l) ?? 0), 0);
  if (a === 0 || b === 0) return { distance: null, pValue: null };
  let distance = 0;
  let chi = 0;
  for (const l of labels) {
    const x = mine.get(l) ?? 0;
    const y = rest.get(l) ?? 0;
    distance += Math.abs(x / a - y / b) / 2;
    const column = x + y;
    const ea = (a * column) / (a + b);
    const eb = (b * column) / (a + b);
    chi += (x - ea) ** 2 / ea + (y - eb) ** 2 / eb;
  }
  const df = labels.length - 1;
  return { distance, pValue: df > 0 ? chiSquareSf(chi, df) : null };
}

/**
 * One scorecard. `queue` is the sum of every reviewer's rows in the queue over the same period (this
 * reviewer's included); the label comparison uses the queue minus this reviewer.
 */
export function scorecardOf(
  reviewer: string,
  queueName: string,
  mine: Readonly<Counters>,
  queue: Readonly<Counters>,
  confidence = 0.95,
): Scorecard {
  const c = (name: string) => mine[name] ?? 0;
  const handling = LogHistogram.fromCounters(mine, RP.handling);
  const mineLabels = labelCounts(mine);
  const rest = new Map<string, number>();
  for (const [label, count] of labelCounts(queue)) {
    const left = count - (mineLabels.get(label) ?? 0);
    if (left > 0) rest.set(label, left);
  }
  const restTotal = [...rest.values()].reduce((s, x) => s + x, 0);
  const labels: Scorecard["labels"] = {};
  for (const label of [...new Set([...mineLabels.keys(), ...rest.keys()])].sort()) {
    const count = mineLabels.get(label) ?? 0;
    labels[label] = {
      count,
      share: ratio(count, c(R.decided)),
      restShare: ratio(rest.get(label) ?? 0, restTotal),
    };
  }
  return {
    reviewer,
    queue: queueName,
    decided: c(R.decided),
    handlingSeconds: {
      median: handling.count > 0 ? handling.quantile(0.5) / 1000 : null,
      p90: handling.count > 0 ? handling.quantile(0.9) / 1000 : null,
      mean: c(R.handlingCount) > 0 ? c(R.handlingMs) / c(R.handlingCount) / 1000 : null,
    },
    gold: {
      items: c(R.gold),
      correct: c(R.goldCorrect),
      accuracy: ratio(c(R.goldCorrect), c(R.gold)),
      interval: interval(c(R.goldCorrect), c(R.gold), confidence),
    },
    peers: {
      pairs: c(R.peerPairs),
      agreement: ratio(c(R.peerAgree), c(R.peerPairs)),
      kappa: peerKappa(mine),
    },
    adjudication: {
      items: c(R.adjudicated),
      upheld: c(R.adjudicatedAgree),
      rate: ratio(c(R.adjudicatedAgree), c(R.adjudicated)),
      interval: interval(c(R.adjudicatedAgree), c(R.adjudicated), confidence),
    },
    overrides: { count: c(R.overrides), rate: ratio(c(R.overrides), c(R.decided)) },
    sla: { within: c(R.withinSla), share: ratio(c(R.withinSla), c(R.decided)) },
    labels,
    labelShift: labelShift(mineLabels, rest),
    releases: c(R.releases),
    leaseExpiries: c(R.leaseExpiries),
  };
}

/** Scorecards for every reviewer × queue in `rows` (already summed over the period), queue totals from the rows. */
export function scorecardsOf(rows: readonly ScorecardRow[], confidence = 0.95): Scorecard[] {
  const totals = new Map<string, Counters>();
  for (const row of rows) {
    if (row.reviewer === QUEUE_ROW) continue;
    totals.set(row.queue, addCounters(totals.get(row.queue) ?? {}, row.counters));
  }
  return rows
    .filter((row) => row.reviewer !== QUEUE_ROW)
    .map((row) =>
      scorecardOf(row.reviewer, row.queue, row.counters, totals.get(row.queue) ?? {}, confidence),
    );
}

/** Sums counter rows (or deltas) over their hours: one row per reviewer × queue, the queue rows included. */
export function sumRows(rows: Iterable<ReviewerDelta>): ScorecardRow[] {
  const sums = new Map<string, ScorecardRow>();
  for (const { key, counters } of rows) {
    const id = `${key.queue}\u0000${key.reviewer}`;
    const row = sums.get(id) ?? { reviewer: key.reviewer, queue: key.queue, counters: {} };
    addCounters(row.counters, counters);
    sums.set(id, row);
  }
  return [...sums.values()];
}
