import type { Counters } from "../../metrics/counters";
import { studentTQuantile } from "../../stats/distributions";
import { wilson } from "../../stats/proportions";
import { approvalCounter, F, rubricCounter, signalCounter, sourceCounter } from "./counters";
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
}

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
  const c = (name: string) => counters[name] ?? 0;
  const out: TypedQuality = {};
  const signals = signalRates(counters, confidence);
  if (signals) out.signals = signals;
  if (!spec) return out;
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
