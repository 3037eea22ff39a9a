/**
 * The soak's final check, pure (unit-tested in test/bench/soak.test.ts): every decision sent ended
 * as its life says it must, each decision and verdict is counted once, and the live counters equal
 * what `hitl metrics rebuild` finds in the records.
 */
import type { Counters } from "../../core/metrics/counters";
import type { CounterDifference } from "../../core/metrics/rebuild";

/** What the soak knows of one decision it sent (however many copies, by whichever path). */
export interface SentDecision {
  readonly decisionId: string;
  readonly via: "http" | "ingest";
  /** Held by the arm's policy (its confidence is below the automation threshold). */
  readonly held: boolean;
  /** The model's label. */
  readonly predicted: string;
  /** HTTP: a 200 came back (after resends); ingest: the queue accepted the message. */
  answered: boolean;
  /** The label of the verdict the API accepted (200, or a 409 "not held" after a crashed attempt). */
  verdict?: string;
}

/** The decision as `GET /v1/decisions/{id}` shows it at the end (undefined: not found). */
export interface ObservedDecision {
  readonly status: string;
  readonly outcome?: string;
  readonly outcomeSource?: string;
}

/** Where a decision must be at the end: automated, decided by its reviewer, or still held. */
export function expectedStatus(d: SentDecision): "automated" | "decided" | "held" {
  if (!d.held) return "automated";
  return d.verdict === undefined ? "held" : "decided";
}

/** One line per decision that did not end as expected (empty: all did). */
export function settleProblems(
  sent: readonly SentDecision[],
  observed: ReadonlyMap<string, ObservedDecision | undefined>,
): string[] {
  const problems: string[] = [];
  for (const d of sent) {
    if (!d.answered) {
      problems.push(`${d.decisionId}: never answered (${d.via})`);
      continue;
    }
    const seen = observed.get(d.decisionId);
    const want = expectedStatus(d);
    if (!seen) problems.push(`${d.decisionId}: not found, expected ${want}`);
    else if (seen.status !== want) problems.push(`${d.decisionId}: ${seen.status}, expected ${want}`);
    else if (want === "decided" && (seen.outcome !== d.verdict || seen.outcomeSource !== "reviewer"))
      problems.push(
        `${d.decisionId}: outcome ${seen.outcome} from ${seen.outcomeSource}, expected ${d.verdict} from reviewer`,
      );
  }
  return problems;
}

/** The counters one life of each sent decision implies, once each (summed over arms). */
export function expectedCounts(sent: readonly SentDecision[]): Record<string, number> {
  const answered = sent.filter((d) => d.answered);
  const verdicts = answered.filter((d) => d.held && d.verdict !== undefined);
  return {
    decisions: answered.length,
    auto: answered.filter((d) => !d.held).length,
    human: answered.filter((d) => d.held).length,
    verdicts: verdicts.length,
    overrides: verdicts.filter((d) => d.verdict !== d.predicted).length,
    humanOutcomes: verdicts.length,
  };
}

/** Counters summed over the arms. */
export function totals(byArm: ReadonlyMap<string, Counters>): Counters {
  const sum: Counters = {};
  for (const arm of byArm.values())
    for (const [name, n] of Object.entries(arm)) sum[name] = (sum[name] ?? 0) + n;
  return sum;
}

export interface CheckRow {
  readonly check: string;
  readonly expected: number;
  readonly found: number;
  readonly ok: boolean;
}

export interface FinalCheck {
  readonly ok: boolean;
  readonly rows: readonly CheckRow[];
  /** Decisions that ended wrongly, then counters that differ (at most `limit` lines). */
  readonly problems: readonly string[];
}

/**
 * The verdict of a soak: settled as expected (every decision), counted once (the live totals of the
 * counters one life implies equal the ledger's), live = rebuild (no counter differs).
 */
export function finalCheck(input: {
  sent: readonly SentDecision[];
  observed: ReadonlyMap<string, ObservedDecision | undefined>;
  live: ReadonlyMap<string, Counters>;
  differences: readonly CounterDifference[];
  limit?: number;
}): FinalCheck {
  const limit = input.limit ?? 20;
  const unsettled = settleProblems(input.sent, input.observed);
  const live = totals(input.live);
  const rows: CheckRow[] = [
    {
      check: "decisions that ended as expected",
      expected: input.sent.length,
      found: input.sent.length - unsettled.length,
      ok: unsettled.length === 0,
    },
  ];
  for (const [counter, expected] of Object.entries(expectedCounts(input.sent))) {
    const found = live[counter] ?? 0;
    rows.push({ check: `counted once: ${counter}`, expected, found, ok: found === expected });
  }
  rows.push({
    check: "counters where live ≠ rebuild",
    expected: 0,
    found: input.differences.length,
    ok: input.differences.length === 0,
  });
  const problems = [
    ...unsettled,
    ...input.differences.map(
      (d) =>
        `${d.arm} ${d.counter}: live ${d.live}, rebuild ${d.rebuilt} (${d.diff > 0 ? "+" : ""}${d.diff})`,
    ),
  ];
  return { ok: rows.every((r) => r.ok), rows, problems: problems.slice(0, limit) };
}
