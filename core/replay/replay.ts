/**
 * Replay: what would each confidence threshold have done to a log of historical decisions?
 *
 * Streaming by design: a decision is added once, in O(log T) for T thresholds, to the bucket of
 * thresholds it clears; every per-threshold figure is then a suffix or prefix sum over buckets.
 * Memory does not grow with the log (except for the capped list of bad lines). Formulas and
 * assumptions are in docs/replay.md.
 */

import { certifyThresholds, type ThresholdCertificate } from "../stats/certificate";
import { normalQuantile } from "../stats/distributions";
import type { Interval } from "../stats/effect";
import { wilson } from "../stats/proportions";
import { type HistoricalDecision, parseDecisionLine } from "./decision";
import { normalizeThresholds } from "./thresholds";

export type HumanCost =
  /** A held item costs handlingSeconds/3600 × hourlyRateUsd. */
  | { kind: "hourly"; hourlyRateUsd: number; defaultHandlingSeconds: number }
  /** A held item costs a flat amount, whatever its handling time. */
  | { kind: "per-review"; usd: number };

export interface CostModel {
  /** Model cost of a line without `costUsd`. */
  defaultModelCostUsd: number;
  human: HumanCost;
}

export const DEFAULT_COST_MODEL: CostModel = {
  defaultModelCostUsd: 0,
  human: { kind: "hourly", hourlyRateUsd: 30, defaultHandlingSeconds: 60 },
};

/** How many bad lines a result lists; the count stays exact beyond it. */
export const DEFAULT_MAX_LISTED_BAD_LINES = 1000;

export interface ReplayOptions {
  thresholds: readonly number[];
  /** Highest acceptable error rate among automated decisions, e.g. 0.02. */
  targetError: number;
  /** Topics a person always handles, whatever the confidence (exact, case-sensitive match). */
  alwaysHumanTopics?: readonly string[];
  cost?: CostModel;
  /** Coverage of every interval and of the target check (default 0.95). */
  confidence?: number;
  maxListedBadLines?: number;
}

export interface BadLine {
  /** 1-based line number in the log. */
  line: number;
  reason: string;
}

export interface ThresholdRow {
  threshold: number;
  decisions: number;
  /** Confidence ≥ threshold and topic not always-human. */
  automated: number;
  humanReviews: number;
  automationRate: number;
  automationRateInterval: Interval;
  /** Automated decisions whose label differs from the truth. */
  automatedErrors: number;
  /** NaN when nothing is automated. */
  errorRateAutomated: number;
  errorRateAutomatedInterval: Interval;
  /** Errors over all decisions, assuming a reviewed item ends up correct. */
  errorRateOverall: number;
  errorRateOverallInterval: Interval;
  costPerDecisionUsd: number;
  /** Normal approximation of the mean; NaN ends with fewer than 2 decisions. */
  costPerDecisionInterval: Interval;
  /** The upper end of `errorRateAutomatedInterval` is at most the target. */
  meetsTarget: boolean;
}

export type Recommendation =
  | { met: true; threshold: number; message: string }
  | {
      met: false;
      /** The threshold with the lowest upper error bound, when there are decisions at all. */
      closestThreshold?: number;
      message: string;
    };

export interface ReplayResult {
  linesRead: number;
  /** Whitespace-only lines: skipped, and counted so nothing disappears unnoticed. */
  blankLines: number;
  decisions: number;
  badLineCount: number;
  /** The first `maxListedBadLines` bad lines, in file order. */
  badLines: BadLine[];
  /** Valid lines without `costUsd` / `handlingSeconds`, which use the defaults. */
  defaulted: { costUsd: number; handlingSeconds: number };
  /** Decisions held at every threshold because of their topic. */
  alwaysHumanDecisions: number;
  alwaysHumanTopics: string[];
  targetError: number;
  confidence: number;
  cost: CostModel;
  rows: ThresholdRow[];
  recommendation: Recommendation;
  /**
   * The Learn-Then-Test certificate over the same thresholds (docs/statistics.md): the lowest
   * threshold whose error among automated decisions is ≤ targetError with probability ≥
   * `confidence`. Null when there are no decisions or the target is 0 or 1 (nothing to test).
   */
  certificate: ThresholdCertificate | null;
}

/** Fixed-sequence certificate over the replay's rows, which already hold n and errors per threshold. */
function certify(rows: ThresholdRow[], decisions: number, targetError: number, confidence: number) {
  if (decisions === 0 || !(targetError > 0 && targetError < 1)) return null;
  return certifyThresholds(
    {
      n: decisions,
      thresholds: rows.map((row) => ({
        threshold: row.threshold,
        n: row.automated,
        errors: row.automatedErrors,
      })),
    },
    { targetError, confidence },
  );
}

/** Sums over the decisions that clear exactly the same thresholds. */
interface Bucket {
  n: number;
  errors: number;
  /** Σm, Σm², Σh, Σh², Σm·h of model cost m and would-be human cost h. */
  model: number;
  model2: number;
  human: number;
  human2: number;
  cross: number;
}

function emptyBucket(): Bucket {
  return { n: 0, errors: 0, model: 0, model2: 0, human: 0, human2: 0, cross: 0 };
}

function validateOptions(options: ReplayOptions, cost: CostModel, confidence: number): void {
  if (!(options.targetError >= 0 && options.targetError <= 1)) {
    throw new RangeError(`targetError must be a number between 0 and 1, got ${options.targetError}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be strictly between 0 and 1, got ${confidence}`);
  }
  const amounts: [string, number][] = [["defaultModelCostUsd", cost.defaultModelCostUsd]];
  if (cost.human.kind === "hourly") {
    amounts.push(["hourlyRateUsd", cost.human.hourlyRateUsd]);
    amounts.push(["defaultHandlingSeconds", cost.human.defaultHandlingSeconds]);
  } else amounts.push(["per-review usd", cost.human.usd]);
  for (const [name, value] of amounts) {
    if (!(Number.isFinite(value) && value >= 0))
      throw new RangeError(`${name} must be a number >= 0, got ${value}`);
  }
}

const percent = (value: number, digits = 1) => `${(value * 100).toFixed(digits)}%`;

/** The cost interval is undefined below 2 decisions. */
const usd = (value: number) => (Number.isFinite(value) ? `$${value.toFixed(4)}` : "n/a");

/** Error rates are small, so they get more digits than automation rates. */
const errorPercent = (value: number) => percent(value, 2);

function recommend(
  rows: ThresholdRow[],
  decisions: number,
  targetError: number,
  confidence: number,
): Recommendation {
  const level = `${Math.round(confidence * 1000) / 10}%`;
  if (decisions === 0)
    return { met: false, message: "No valid decisions in the log, so no threshold can be recommended." };

  let best: ThresholdRow | undefined;
  for (const row of rows) {
    if (!row.meetsTarget) continue;
    // Cheapest first; on a tie (e.g. no costs configured) the one that automates more.
    if (
      best === undefined ||
      row.costPerDecisionUsd < best.costPerDecisionUsd ||
      (row.costPerDecisionUsd === best.costPerDecisionUsd && row.automated > best.automated)
    ) {
      best = row;
    }
  }
  if (best !== undefined) {
    const [autoLow, autoHigh] = best.automationRateInterval;
    const [costLow, costHigh] = best.costPerDecisionInterval;
    return {
      met: true,
      threshold: best.threshold,
      message:
        `Recommended threshold ${best.threshold}: automates ${percent(best.automationRate)} ` +
        `(${level} CI ${percent(autoLow)}–${percent(autoHigh)}) with ${errorPercent(best.errorRateAutomated)} ` +
        `errors among automated decisions (upper ${level} bound ${errorPercent(best.errorRateAutomatedInterval[1])} ` +
        `≤ target ${errorPercent(targetError)}), ${usd(best.costPerDecisionUsd)} per decision ` +
        `(${level} CI ${usd(costLow)}–${usd(costHigh)}).`,
    };
  }

  let closest: ThresholdRow | undefined;
  for (const row of rows) {
    if (row.automated === 0) continue;
    const upper = row.errorRateAutomatedInterval[1];
    if (closest === undefined || upper < closest.errorRateAutomatedInterval[1]) closest = row;
  }
  const first = rows[0]?.threshold;
  const last = rows[rows.length - 1]?.threshold;
  const single = first === last;
  const subject = single ? `Threshold ${first} does not keep` : `No threshold from ${first} to ${last} keeps`;
  const base =
    `${subject} the error rate among automated decisions at or below ${errorPercent(targetError)} ` +
    `with ${level} confidence.`;
  if (closest === undefined) {
    return { met: false, message: `${base} ${single ? "It automates" : "No threshold automates"} nothing.` };
  }
  return {
    met: false,
    closestThreshold: closest.threshold,
    message:
      `${base} Closest: threshold ${closest.threshold}, upper bound ${errorPercent(closest.errorRateAutomatedInterval[1])} ` +
      `(${closest.automatedErrors} errors in ${closest.automated} automated decisions). ` +
      "More history narrows the interval; otherwise relax the target or improve the model.",
  };
}

/**
 * Accumulates a replay line by line, so the CLI can stream a log of any size through it.
 *
 * @example
 * ```ts
 * const replay = new ReplayAccumulator({ thresholds: [0.8, 0.9], targetError: 0.02 });
 * for (const line of lines) replay.addLine(line);
 * replay.result().recommendation.message;
 * ```
 */
export class ReplayAccumulator {
  readonly #thresholds: number[];
  readonly #alwaysHuman: Set<string>;
  readonly #cost: CostModel;
  readonly #confidence: number;
  readonly #targetError: number;
  readonly #maxListed: number;
  /** Bucket k holds decisions clearing exactly the k lowest thresholds (k = 0 … T). */
  readonly #buckets: Bucket[];
  #linesRead = 0;
  #blankLines = 0;
  #badLineCount = 0;
  readonly #badLines: BadLine[] = [];
  #alwaysHumanDecisions = 0;
  readonly #defaulted = { costUsd: 0, handlingSeconds: 0 };

  constructor(options: ReplayOptions) {
    this.#thresholds = normalizeThresholds(options.thresholds);
    this.#cost = options.cost ?? DEFAULT_COST_MODEL;
    this.#confidence = options.confidence ?? 0.95;
    validateOptions(options, this.#cost, this.#confidence);
    this.#targetError = options.targetError;
    this.#alwaysHuman = new Set(options.alwaysHumanTopics ?? []);
    this.#maxListed = options.maxListedBadLines ?? DEFAULT_MAX_LISTED_BAD_LINES;
    this.#buckets = Array.from({ length: this.#thresholds.length + 1 }, emptyBucket);
  }

  get linesRead(): number {
    return this.#linesRead;
  }

  /** Adds the next line of the log; line numbers count every call, blank lines included. */
  addLine(text: string): void {
    this.#linesRead += 1;
    // A byte-order mark from a spreadsheet export would otherwise make line 1 invalid JSON.
    const line = this.#linesRead === 1 && text.startsWith("\uFEFF") ? text.slice(1) : text;
    if (line.trim() === "") {
      this.#blankLines += 1;
      return;
    }
    const parsed = parseDecisionLine(line);
    if (parsed.ok) this.addDecision(parsed.value);
    else {
      this.#badLineCount += 1;
      if (this.#badLines.length < this.#maxListed) {
        this.#badLines.push({ line: this.#linesRead, reason: parsed.reason });
      }
    }
  }

  /** Adds an already validated decision (not counted as a line). */
  addDecision(decision: HistoricalDecision): void {
    const forcedHuman = decision.topic !== undefined && this.#alwaysHuman.has(decision.topic);
    if (forcedHuman) this.#alwaysHumanDecisions += 1;
    const bucket = this.#buckets[forcedHuman ? 0 : this.#thresholdsCleared(decision.confidence)] as Bucket;

    if (decision.costUsd === undefined) this.#defaulted.costUsd += 1;
    if (decision.handlingSeconds === undefined) this.#defaulted.handlingSeconds += 1;
    const model = decision.costUsd ?? this.#cost.defaultModelCostUsd;
    const human =
      this.#cost.human.kind === "per-review"
        ? this.#cost.human.usd
        : ((decision.handlingSeconds ?? this.#cost.human.defaultHandlingSeconds) / 3600) *
          this.#cost.human.hourlyRateUsd;

    bucket.n += 1;
    if (decision.label !== decision.truth) bucket.errors += 1;
    bucket.model += model;
    bucket.model2 += model * model;
    bucket.human += human;
    bucket.human2 += human * human;
    bucket.cross += model * human;
  }

  /** Number of thresholds t with t ≤ confidence (binary search over the sorted thresholds). */
  #thresholdsCleared(confidence: number): number {
    let low = 0;
    let high = this.#thresholds.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#thresholds[mid] as number) <= confidence) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  result(): ReplayResult {
    const z = normalQuantile(1 - (1 - this.#confidence) / 2);
    const buckets = this.#buckets;
    const total = buckets.reduce((sum, b) => sum + b.n, 0);
    const modelSum = buckets.reduce((sum, b) => sum + b.model, 0);
    const model2Sum = buckets.reduce((sum, b) => sum + b.model2, 0);

    // Walk thresholds upwards: at threshold j, buckets 0 … j are held and j + 1 … T automated.
    const held = emptyBucket();
    let automatedErrors = buckets.reduce((sum, b) => sum + b.errors, 0);
    const rows = this.#thresholds.map((threshold, j): ThresholdRow => {
      const b = buckets[j] as Bucket;
      held.n += b.n;
      held.human += b.human;
      held.human2 += b.human2;
      held.cross += b.cross;
      automatedErrors -= b.errors;

      const automated = total - held.n;
      // Cost of a decision c = m + h·[held]; Σc and Σc² need no per-decision data.
      const costSum = modelSum + held.human;
      const cost2Sum = model2Sum + 2 * held.cross + held.human2;
      const mean = total > 0 ? costSum / total : Number.NaN;
      const variance = total > 1 ? Math.max(0, (cost2Sum - costSum * mean) / (total - 1)) : Number.NaN;
      const halfWidth = z * Math.sqrt(variance / total);

      const errorInterval = wilson(automatedErrors, automated, this.#confidence);
      return {
        threshold,
        decisions: total,
        automated,
        humanReviews: held.n,
        automationRate: total > 0 ? automated / total : Number.NaN,
        automationRateInterval: wilson(automated, total, this.#confidence),
        automatedErrors,
        errorRateAutomated: automated > 0 ? automatedErrors / automated : Number.NaN,
        errorRateAutomatedInterval: errorInterval,
        errorRateOverall: total > 0 ? automatedErrors / total : Number.NaN,
        errorRateOverallInterval: wilson(automatedErrors, total, this.#confidence),
        costPerDecisionUsd: mean,
        // A cost cannot be negative, so the normal interval is cut at 0.
        costPerDecisionInterval: [Math.max(0, mean - halfWidth), mean + halfWidth],
        // The upper bound, not the point estimate: the promise then holds with the stated confidence.
        meetsTarget: automated > 0 && errorInterval[1] <= this.#targetError,
      };
    });

    return {
      linesRead: this.#linesRead,
      blankLines: this.#blankLines,
      decisions: total,
      badLineCount: this.#badLineCount,
      badLines: [...this.#badLines],
      defaulted: { ...this.#defaulted },
      alwaysHumanDecisions: this.#alwaysHumanDecisions,
      alwaysHumanTopics: [...this.#alwaysHuman],
      targetError: this.#targetError,
      confidence: this.#confidence,
      cost: this.#cost,
      rows,
      recommendation: recommend(rows, total, this.#targetError, this.#confidence),
      certificate: certify(rows, total, this.#targetError, this.#confidence),
    };
  }
}

/** Replays an in-memory log (tests, small files); the CLI streams through {@link ReplayAccumulator}. */
export function replayLines(lines: Iterable<string>, options: ReplayOptions): ReplayResult {
  const replay = new ReplayAccumulator(options);
  for (const line of lines) replay.addLine(line);
  return replay.result();
}
