import { type CostBreakdown, infrastructureCost } from "../cost/model";
import { type Assumptions, DEFAULT_ASSUMPTIONS } from "../cost/operations";
import { DEFAULT_PRICES, type Prices } from "../cost/prices";
import { cohenKappa } from "../stats/agreement";
import { auditSumsOf } from "./audit-counters";
import {
  addCounters,
  C,
  type Counters,
  closurePrefix,
  FEEDBACK_STAGES,
  P,
  parsePairCounter,
} from "./counters";
import type { FeedbackStage } from "./events";
import { LogHistogram } from "./histogram";
import { type CorrectionMetrics, correctionsOf, type QualityMetrics, qualityOf } from "./quality";

export type { AutomatedAccuracy, CorrectionMetrics, QualityKind, QualityMetrics } from "./quality";

/**
 * Counters of one arm in one hour, summed over shards (what the metrics store returns). Sealed days
 * come from daily roll-ups that keep each hour's row (docs/metrics.md §4.1), so every hourly use
 * below (the run-rate window, the report's arm-hour tests) sees the same rows with or without them.
 */
export interface CounterRow {
  arm: string;
  hour: string;
  counters: Counters;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface StageClosure {
  acknowledged: number;
  /** acknowledged / produced. */
  closureRate: number;
  meanSeconds: number;
  /** From the closure-time histogram (±1 %). */
  medianSeconds: number;
}

export interface CostMetrics {
  modelUsd: number;
  humanUsd: number;
  infrastructureUsd: number;
  totalUsd: number;
  perDecision: { model: number; human: number; infrastructure: number; total: number };
  infrastructure: CostBreakdown;
  /** Decisions whose model version has no price in the experiment (counted at $0). */
  unpricedDecisions: number;
}

export interface ArmMetrics {
  arm: string;
  /** "run" or a UTC day "2026-11-25". */
  period: string;
  decisions: number;
  enrolledDecisions: number;
  /** Distinct enrolled units (for a day: units first seen that day). */
  units: number;
  auto: number;
  human: number;
  audit: number;
  automationRate: number;
  /** Share of final outcomes correct, after audits corrected automated answers. */
  quality: QualityMetrics;
  /** Share of answers correct when they were given (an audited automated answer is the model's). */
  decisionQuality: QualityMetrics;
  /** What the audits corrected: errors, their share, how long they stood. */
  corrections: CorrectionMetrics;
  overrideRate: number;
  escalationRate: number;
  slaBreachRate: number;
  meanQueueSeconds: number;
  latency: { auto: LatencySummary; human: LatencySummary };
  agreement: { pairs: number; observedAgreement: number; kappa: number; belowThreshold: boolean };
  feedback: { produced: number; stages: Record<FeedbackStage, StageClosure> };
  cost: CostMetrics;
  counters: Counters;
}

export interface ExperimentMetrics {
  experimentId: string;
  arms: ArmMetrics[];
  daily: ArmMetrics[];
  spend: {
    totalUsd: number;
    /** Hours (≤ 168) the run rate is measured over, ending at the latest hour with data. */
    windowHours: number;
    dailyRunRateUsd: number;
    /** dailyRunRateUsd × 30. */
    monthlyProjectionUsd: number;
  };
}

export interface ReadOptions {
  prices?: Prices;
  assumptions?: Assumptions;
  /** The experiment's `modelPriceUsd`: price per decision by model version when `costUsd` was absent. */
  modelPriceUsd?: Readonly<Record<string, number>>;
  /** Of the Wilson intervals; default 0.95. */
  confidence?: number;
}

/** Cohen's kappa below this flags a review task definition that reviewers read differently. */
export const KAPPA_THRESHOLD = 0.6;
const RUN_WINDOW_HOURS = 168;
const DAYS_PER_MONTH = 30;

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

function latency(counters: Counters, prefix: string): LatencySummary {
  const h = LogHistogram.fromCounters(counters, prefix);
  return { count: h.count, p50Ms: h.quantile(0.5), p95Ms: h.quantile(0.95), p99Ms: h.quantile(0.99) };
}

function agreement(counters: Counters, c: (name: string) => number): ArmMetrics["agreement"] {
  const cells: [string, string, number][] = [];
  for (const [name, value] of Object.entries(counters)) {
    const pair = parsePairCounter(name);
    if (pair && value > 0) cells.push([pair[0], pair[1], value]);
  }
  const labels = [...new Set([...cells.map(([a]) => a), ...cells.map(([, b]) => b)])].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const table = labels.map(() => labels.map(() => 0));
  for (const [a, b, n] of cells) {
    const row = table[index.get(a) ?? 0];
    if (row) row[index.get(b) ?? 0] = (row[index.get(b) ?? 0] ?? 0) + n;
  }
  const kappa = labels.length > 0 ? cohenKappa(table) : Number.NaN;
  return {
    pairs: c(C.pairTotal),
    observedAgreement: ratio(c(C.pairAgree), c(C.pairTotal)),
    kappa,
    belowThreshold: kappa < KAPPA_THRESHOLD,
  };
}

/** Dollars of model, human and AWS work the counters record. */
export function costOf(counters: Counters, options: ReadOptions = {}): Omit<CostMetrics, "perDecision"> {
  const c = (name: string) => counters[name] ?? 0;
  let unpricedUsd = 0;
  let unpricedDecisions = 0;
  for (const [name, n] of Object.entries(counters)) {
    if (!name.startsWith(P.unpriced)) continue;
    const price = options.modelPriceUsd?.[decodeURIComponent(name.slice(P.unpriced.length))];
    if (price === undefined) unpricedDecisions += n;
    else unpricedUsd += n * price;
  }
  const infrastructure = infrastructureCost(
    {
      route: c(C.decisions),
      // Routed decisions are counted from the decisions stream, every other event off the queue
      // (linear in the counters on purpose: core/report/sums.ts prices each counter on its own).
      routedCount: c(C.decisions),
      metricEvent: c(C.events) - c(C.decisions),
      holdRound: c(C.enqueued) + c(C.auditEnqueued),
      verdict: c(C.verdicts) + c(C.auditVerdicts),
      settle: c(C.humanOutcomes) + c(C.auditedCount) + c(C.disagreements),
      escalate: c(C.escalations),
      fallback: c(C.slaBreaches) + c(C.auditBreaches),
      feedback: c(C.feedbackProduced),
    },
    options.prices ?? DEFAULT_PRICES,
    options.assumptions ?? DEFAULT_ASSUMPTIONS,
  );
  const modelUsd = c(C.modelCostNanoUsd) / 1e9 + unpricedUsd;
  const humanUsd = c(C.humanCostNanoUsd) / 1e9;
  return {
    modelUsd,
    humanUsd,
    infrastructureUsd: infrastructure.total,
    totalUsd: modelUsd + humanUsd + infrastructure.total,
    infrastructure,
    unpricedDecisions,
  };
}

/** Every derived metric of one arm over one period, from its summed counters. */
export function armMetrics(
  arm: string,
  period: string,
  counters: Counters,
  options: ReadOptions = {},
): ArmMetrics {
  const c = (name: string) => counters[name] ?? 0;
  const decisions = c(C.decisions);
  const cost = costOf(counters, options);
  const confidence = options.confidence ?? 0.95;
  const sums = auditSumsOf(counters, c(C.auditedCount));
  const quality = qualityOf(c, "final", confidence, sums);
  const decisionQuality = qualityOf(c, "decision", confidence, sums);
  const stages = Object.fromEntries(
    FEEDBACK_STAGES.map((stage) => {
      const acked = c(`${P.feedbackAcked}${stage}`);
      const closure = LogHistogram.fromCounters(counters, closurePrefix(stage));
      return [
        stage,
        {
          acknowledged: acked,
          closureRate: ratio(acked, c(C.feedbackProduced)),
          meanSeconds: ratio(c(`${P.closureMs}${stage}`), acked) / 1000,
          medianSeconds: closure.quantile(0.5) / 1000,
        },
      ];
    }),
  ) as Record<FeedbackStage, StageClosure>;
  return {
    arm,
    period,
    decisions,
    enrolledDecisions: c(C.enrolledDecisions),
    units: c(C.units),
    auto: c(C.auto),
    human: c(C.human),
    audit: c(C.audit),
    automationRate: ratio(c(C.auto), decisions),
    quality,
    decisionQuality,
    corrections: correctionsOf(counters, quality, decisionQuality),
    overrideRate: ratio(c(C.overrides), c(C.verdicts)),
    escalationRate: ratio(c(C.escalations), c(C.human)),
    slaBreachRate: ratio(c(C.slaBreaches), c(C.human)),
    meanQueueSeconds: ratio(c(C.queueMs), c(C.verdicts)) / 1000,
    latency: { auto: latency(counters, P.autoLatency), human: latency(counters, P.humanLatency) },
    agreement: agreement(counters, c),
    feedback: { produced: c(C.feedbackProduced), stages },
    cost: {
      ...cost,
      perDecision: {
        model: ratio(cost.modelUsd, decisions),
        human: ratio(cost.humanUsd, decisions),
        infrastructure: ratio(cost.infrastructureUsd, decisions),
        total: ratio(cost.totalUsd, decisions),
      },
    },
    counters,
  };
}

/** Sums rows into one counter set per (arm, period); `periodOf` maps an hour to its period. */
export function foldRows(
  rows: readonly CounterRow[],
  periodOf: (hour: string) => string,
): Map<string, Counters> {
  const out = new Map<string, Counters>();
  for (const row of rows) {
    const id = `${row.arm}\u0000${periodOf(row.hour)}`;
    const into = out.get(id) ?? {};
    addCounters(into, row.counters);
    out.set(id, into);
  }
  return out;
}

const hourMs = (hour: string) => Date.parse(`${hour}:00:00Z`);

/** Per-arm metrics for the whole run and per UTC day, total spend and a monthly projection. */
export function experimentMetrics(
  experimentId: string,
  rows: readonly CounterRow[],
  options: ReadOptions = {},
): ExperimentMetrics {
  const build = (periodOf: (hour: string) => string) =>
    [...foldRows(rows, periodOf)]
      .map(([id, counters]) => {
        const [arm = "", period = ""] = id.split("\u0000");
        return armMetrics(arm, period, counters, options);
      })
      .sort((a, b) => a.period.localeCompare(b.period) || a.arm.localeCompare(b.arm));
  const arms = build(() => "run");
  const daily = build((hour) => hour.slice(0, 10));

  // The run rate's window is hourly (168 hours ending at the latest hour with data), exact over
  // rolled-up days too: their rows are still one per hour.
  const hours = rows.map((r) => hourMs(r.hour)).filter(Number.isFinite);
  const last = hours.length ? Math.max(...hours) : 0;
  const first = hours.length ? Math.min(...hours) : 0;
  const windowStart = Math.max(first, last - (RUN_WINDOW_HOURS - 1) * 3_600_000);
  const windowHours = hours.length ? Math.round((last - windowStart) / 3_600_000) + 1 : 0;
  const windowCounters: Counters = {};
  for (const row of rows) if (hourMs(row.hour) >= windowStart) addCounters(windowCounters, row.counters);
  const windowSpend = costOf(windowCounters, options).totalUsd;
  const dailyRunRateUsd = windowHours > 0 ? (windowSpend / windowHours) * 24 : 0;
  return {
    experimentId,
    arms,
    daily,
    spend: {
      totalUsd: arms.reduce((s, a) => s + a.cost.totalUsd, 0),
      windowHours,
      dailyRunRateUsd,
      monthlyProjectionUsd: dailyRunRateUsd * DAYS_PER_MONTH,
    },
  };
}
