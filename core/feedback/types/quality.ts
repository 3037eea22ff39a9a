import type { Counters } from "../../metrics/counters";
import { studentTQuantile } from "../../stats/distributions";
import { alpha, type MeasurementLevel } from "../../stats/krippendorff";
import { wilson } from "../../stats/proportions";
import type { RatingProfile } from "../../stats/ratings";
import {
  AGREEMENT_PREFIX,
  AUDITED_PREFIX,
  approvalCounter,
  auditedCounters,
  F,
  heldCounters,
  rubricCounter,
  signalCounter,
  sourceCounter,
} from "./counters";
import { type FeedbackSpec, qualityCriterion, SIGNAL_TYPES, type SignalType, typeOf } from "./schema";

type Num = number | null;
type Range = [Num, Num];

/** A share with its Wilson interval. */
export interface Share {
  count: number;
  n: number;
  value: Num;
  interval: Range;
}

export interface RubricCriterionQuality {
  criterion: string;
  n: number;
  mean: Num;
  /** Student-t interval of the mean. */
  meanInterval: Range;
  passRate: Share;
}

/** Quality of the typed feedback of one arm (or all arms), from its counters. */
export interface TypedQuality {
  correction?: {
    /** Outputs the reviewer kept as they were. */
    acceptedAsIs: Share;
    /** Mean normalised edit distance of text corrections (0 unchanged … 1 nothing kept), over every text verdict. */
    meanEditDistance: Num;
    /** Mean changed fields per JSON verdict. */
    meanChangedFields: Num;
  };
  rubric?: { quality: string; criteria: RubricCriterionQuality[] };
  pairwise?: {
    verdicts: number;
    equal: Share;
    /** Share of decisive verdicts that chose the candidate shown as A: 0.5 when position does not matter. */
    choseA: Share;
    /** Per candidate source: wins over decisive verdicts it took part in (ties left out). */
    sources: { source: string; shown: number; wins: number; ties: number; winRate: Share }[];
  };
  approval?: { approve: Share; reject: Share; edit: Share };
  signals?: SignalRates;
  /** Krippendorff's alpha of double reviews' independent verdicts, per type at its level. */
  agreement?: TypedAgreement;
  /**
   * The same measures over held items only and over audited automated decisions only: audits say
   * how good the answers the product got without a person were, held items how good the model is
   * where it was not trusted. Absent until the arm has an audited typed verdict.
   */
  byKind?: { held: TypedQuality; audited: TypedQuality };
}

export interface AgreementStat {
  level: MeasurementLevel;
  /** Double-reviewed items with two independent verdicts of this type. */
  pairs: number;
  alpha: Num;
  /** Percentile bootstrap interval (500 resamples, seeded). */
  interval: Range;
}

export interface TypedAgreement {
  correction?: AgreementStat;
  /** Per criterion: interval level on a numeric scale, nominal for pass-fail. */
  rubric?: Record<string, AgreementStat>;
  pairwise?: AgreementStat;
  approval?: AgreementStat;
}

/** The pair profiles of one `fb:agr:<type>:<part>:` family. */
function pairProfiles(counters: Counters, type: string, part: string): RatingProfile[] {
  const prefix = `${AGREEMENT_PREFIX}${type}:${encodeURIComponent(part)}:`;
  const out: RatingProfile[] = [];
  for (const [name, items] of Object.entries(counters)) {
    if (!name.startsWith(prefix) || items <= 0) continue;
    const [a, b] = name.slice(prefix.length).split("|").map(decodeURIComponent);
    if (a === undefined || b === undefined) continue;
    out.push({ counts: a === b ? { [a]: 2 } : { [a]: 1, [b]: 1 }, items });
  }
  return out;
}

function agreementStat(
  profiles: RatingProfile[],
  level: MeasurementLevel,
  order: readonly string[] | undefined,
  confidence: number,
): AgreementStat | undefined {
  const pairs = profiles.reduce((s, p) => s + p.items, 0);
  if (pairs === 0) return undefined;
  const result = alpha(profiles, {
    level,
    ...(order ? { order } : {}),
    bootstrap: { samples: 500, seed: 1, confidence },
  });
  return {
    level,
    pairs,
    alpha: Number.isFinite(result.alpha) ? result.alpha : null,
    interval: result.interval ? [result.interval[0], result.interval[1]] : [null, null],
  };
}

function typedAgreement(
  counters: Counters,
  spec: FeedbackSpec,
  confidence: number,
): TypedAgreement | undefined {
  const out: TypedAgreement = {};
  const nominal = (type: string, part: string) =>
    agreementStat(pairProfiles(counters, type, part), "nominal", undefined, confidence);
  if (typeOf(spec, "correction")) {
    const a = nominal("corr", "accepted");
    if (a) out.correction = a;
  }
  if (typeOf(spec, "pairwise")) {
    const a = nominal("pw", "winner");
    if (a) out.pairwise = a;
  }
  if (typeOf(spec, "approval")) {
    const a = nominal("ap", "action");
    if (a) out.approval = a;
  }
  const rubric = typeOf(spec, "rubric");
  for (const criterion of rubric?.criteria ?? []) {
    const numeric = criterion.scale !== "pass-fail";
    const order =
      criterion.scale === "pass-fail" ? undefined : range(criterion.scale.min, criterion.scale.max);
    const a = agreementStat(
      pairProfiles(counters, "rub", criterion.name),
      numeric ? "interval" : "nominal",
      order,
      confidence,
    );
    if (a) out.rubric = { ...out.rubric, [criterion.name]: a };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const range = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => String(min + i));

/** Implicit signals: shares of signalled decisions with at least one signal of each type. */
export interface SignalRates {
  /** Decisions with at least one signal. */
  decisions: number;
  /** Share of signalled decisions the users accepted; and that they complained about. */
  acceptance: Share;
  complaint: Share;
  byType: Record<SignalType, Share>;
  /** The same for automated decisions only (what the automation level is judged by). */
  automated: { decisions: number; acceptance: Share; complaint: Share };
}

/** Signal rates from the counters; undefined when no decision of the arm has a signal. */
export function signalRates(counters: Counters, confidence = 0.95): SignalRates | undefined {
  const c = (name: string) => counters[name] ?? 0;
  const both = (part: string) => c(signalCounter("auto", part)) + c(signalCounter("human", part));
  const decisions = both("n");
  if (decisions === 0) return undefined;
  const auto = c(signalCounter("auto", "n"));
  return {
    decisions,
    acceptance: share(both("accepted"), decisions, confidence),
    complaint: share(both("complained"), decisions, confidence),
    byType: Object.fromEntries(SIGNAL_TYPES.map((t) => [t, share(both(t), decisions, confidence)])) as Record<
      SignalType,
      Share
    >,
    automated: {
      decisions: auto,
      acceptance: share(c(signalCounter("auto", "accepted")), auto, confidence),
      complaint: share(c(signalCounter("auto", "complained")), auto, confidence),
    },
  };
}

function share(count: number, n: number, confidence: number): Share {
  if (n <= 0 || count > n) return { count, n, value: null, interval: [null, null] };
  return { count, n, value: count / n, interval: wilson(count, n, confidence) };
}

const ratio = (a: number, b: number): Num => (b > 0 ? a / b : null);

function meanInterval(n: number, sum: number, sq: number, confidence: number): Range {
  if (n < 2) return [null, null];
  const mean = sum / n;
  const variance = Math.max(0, (sq - n * mean * mean) / (n - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance / n);
  return [mean - half, mean + half];
}

/** Every candidate source the counters know, in name order. */
function sourcesIn(counters: Counters): string[] {
  const out = new Set<string>();
  for (const name of Object.keys(counters)) {
    const m = /^fb:pwSrc:(.*):n$/.exec(name);
    if (m?.[1] !== undefined) out.add(decodeURIComponent(m[1]));
  }
  return [...out].sort();
}

/** The typed feedback's quality numbers for the experiment's feedback schema (types it lacks are absent). */
export function typedQuality(
  counters: Counters,
  spec: FeedbackSpec | undefined,
  confidence = 0.95,
): TypedQuality {
  const out: TypedQuality = {};
  const signals = signalRates(counters, confidence);
  if (signals) out.signals = signals;
  if (!spec) return out;
  Object.assign(out, typedMeasures(counters, spec, confidence));
  if (Object.keys(counters).some((name) => name.startsWith(AUDITED_PREFIX))) {
    out.byKind = {
      held: typedMeasures(heldCounters(counters), spec, confidence),
      audited: typedMeasures(auditedCounters(counters), spec, confidence),
    };
  }
  return out;
}

/** Every declared type's measures from typed-feedback counters (no signals, no split). */
function typedMeasures(counters: Counters, spec: FeedbackSpec, confidence: number): TypedQuality {
  const c = (name: string) => counters[name] ?? 0;
  const out: TypedQuality = {};
  if (typeOf(spec, "correction")) {
    out.correction = {
      acceptedAsIs: share(c(F.accepted), c(F.corrections), confidence),
      meanEditDistance: ratio(c(F.editMicro) / 1e6, c(F.textCorrections)),
      meanChangedFields: ratio(c(F.changedFields), c(F.jsonCorrections)),
    };
  }
  const rubric = typeOf(spec, "rubric");
  if (rubric) {
    out.rubric = {
      quality: qualityCriterion(rubric)?.name ?? "",
      criteria: rubric.criteria.map(({ name }) => {
        const n = c(rubricCounter(name, "n"));
        const sum = c(rubricCounter(name, "sum"));
        return {
          criterion: name,
          n,
          mean: ratio(sum, n),
          meanInterval: meanInterval(n, sum, c(rubricCounter(name, "sq")), confidence),
          passRate: share(c(rubricCounter(name, "pass")), n, confidence),
        };
      }),
    };
  }
  if (typeOf(spec, "pairwise")) {
    const decisive = c(F.choseA) + c(F.choseB);
    out.pairwise = {
      verdicts: c(F.pairwise),
      equal: share(c(F.equal), c(F.pairwise), confidence),
      choseA: share(c(F.choseA), decisive, confidence),
      sources: sourcesIn(counters).map((source) => {
        const shown = c(sourceCounter(source, "n"));
        const wins = c(sourceCounter(source, "win"));
        const ties = c(sourceCounter(source, "tie"));
        return { source, shown, wins, ties, winRate: share(wins, shown - ties, confidence) };
      }),
    };
  }
  const agreement = typedAgreement(counters, spec, confidence);
  if (agreement) out.agreement = agreement;
  if (typeOf(spec, "approval")) {
    const n = c(F.approvals);
    out.approval = {
      approve: share(c(approvalCounter("approve")), n, confidence),
      reject: share(c(approvalCounter("reject")), n, confidence),
      edit: share(c(approvalCounter("edit")), n, confidence),
    };
  }
  return out;
}
