/**
 * Qualification of a reviewer for one queue: judged on gold items, paused when the accuracy they
 * have shown is below the queue's minimum, reinstated by an admin. Pure: the caller stores the
 * state with the gold verdict that changed it, and writes each transition to the audit trail.
 */

import { conflict, DomainError } from "../errors";
import { binomialCdf } from "../stats/distributions";
import { wilson } from "../stats/proportions";

/** What a qualification reads from the queue's gold settings (`queues.<name>.gold`). */
export interface QualificationSettings {
  /** Absent: the queue has no minimum, every reviewer is qualified. */
  minAccuracy?: number | undefined;
  minGoldItems: number;
  reReviewWhenPaused: boolean;
}

/** Coverage of the Wilson interval a qualification is judged on. */
export const QUALIFICATION_CONFIDENCE = 0.95;

/** The largest number of gold items a queue can ask for before judging (the schema's bound). */
const MAX_GOLD_ITEMS = 10_000;

/**
 * `qualifying`: fewer gold verdicts than the queue's minimum since the evaluation started, may claim;
 * `qualified`: the last check passed (or the queue has no minimum); `paused`: may not claim here.
 */
export type QualificationStatus = "qualifying" | "qualified" | "paused";

export interface Qualification {
  reviewer: string;
  queue: string;
  status: QualificationStatus;
  /** Gold verdicts, and right ones, since the evaluation started. */
  gold: number;
  goldCorrect: number;
  /** When the evaluation started: the reviewer's first claim in the queue, or their last reinstatement. */
  since: string;
  /** The last passing check in this evaluation; a pause re-reviews the verdicts after it. */
  lastPassAt?: string;
  /** When, why and by whom ("system" or an admin) the status last changed. */
  changedAt: string;
  changedBy: string;
  reason: string;
}

export type QualificationEvent =
  | { type: "gold-verdict"; correct: boolean; at: string }
  | { type: "pause"; by: string; note: string; at: string }
  | { type: "reinstate"; by: string; note: string; at: string };

/** A status change: what the audit trail records. */
export interface QualificationTransition {
  from: QualificationStatus;
  to: QualificationStatus;
  by: string;
  at: string;
  reason: string;
  /** With `reReviewWhenPaused`, on a pause: the reviewer's verdicts in (from, to] get a second review. */
  reReview?: { from: string; to: string };
}

export interface QualificationStep {
  state: Qualification;
  transition?: QualificationTransition;
}

export interface Judgement {
  outcome: "too-few" | "pass" | "fail";
  accuracy: number;
  interval: [lower: number, upper: number];
}

const SYSTEM = "system";

const share = (x: number) => x.toFixed(2);

/** Pass when the Wilson lower bound reaches the minimum, once there are enough gold verdicts. */
export function judge(gold: number, correct: number, settings: QualificationSettings): Judgement {
  const interval = wilson(correct, gold, QUALIFICATION_CONFIDENCE);
  const accuracy = gold > 0 ? correct / gold : Number.NaN;
  if (settings.minAccuracy === undefined || gold < settings.minGoldItems)
    return { outcome: "too-few", accuracy, interval };
  return { outcome: interval[0] >= settings.minAccuracy ? "pass" : "fail", accuracy, interval };
}

function describe(j: Judgement, gold: number, correct: number, settings: QualificationSettings): string {
  const verb = j.outcome === "pass" ? "meets" : "is below";
  return (
    `gold accuracy ${share(j.accuracy)} (${correct} of ${gold} right; ${QUALIFICATION_CONFIDENCE * 100}% Wilson ` +
    `lower bound ${share(j.interval[0])}) ${verb} the queue's minimum ${share(settings.minAccuracy ?? 0)}`
  );
}

/** The state of a reviewer's first claim in a queue. */
export function newQualification(
  reviewer: string,
  queue: string,
  at: string,
  settings: QualificationSettings | undefined,
): Qualification {
  const required = settings?.minAccuracy !== undefined;
  return {
    reviewer,
    queue,
    status: required ? "qualifying" : "qualified",
    gold: 0,
    goldCorrect: 0,
    since: at,
    changedAt: at,
    changedBy: SYSTEM,
    reason: required
      ? `new in this queue: judged after ${settings?.minGoldItems} gold items`
      : "this queue has no minimum gold accuracy",
  };
}

function moved(
  state: Qualification,
  next: Qualification,
  settings: QualificationSettings | undefined,
): QualificationStep {
  if (next.status === state.status) return { state: next };
  const transition: QualificationTransition = {
    from: state.status,
    to: next.status,
    by: next.changedBy,
    at: next.changedAt,
    reason: next.reason,
  };
  if (next.status === "paused" && settings?.reReviewWhenPaused) {
    transition.reReview = { from: state.lastPassAt ?? state.since, to: next.changedAt };
  }
  return { state: next, transition };
}

/**
 * The next state after a gold verdict, an admin's pause or an admin's reinstatement. Each gold
 * verdict after the minimum number is a check: a pass moves `lastPassAt`, a fail pauses. A paused
 * reviewer's late gold verdicts (a claim taken before the pause) are counted but change nothing.
 * Reinstatement starts a new evaluation: counts back to 0, `qualifying` again when the queue has a
 * minimum.
 *
 * @throws DomainError 409 `not_paused` when reinstating a reviewer who is not paused, or
 *   `already_paused` when pausing one who is
 */
export function qualify(
  state: Qualification,
  event: QualificationEvent,
  settings: QualificationSettings | undefined,
): QualificationStep {
  switch (event.type) {
    case "gold-verdict": {
      const next = {
        ...state,
        gold: state.gold + 1,
        goldCorrect: state.goldCorrect + (event.correct ? 1 : 0),
      };
      if (state.status === "paused" || !settings) return { state: next };
      const j = judge(next.gold, next.goldCorrect, settings);
      if (j.outcome === "too-few") return { state: next };
      const reason = describe(j, next.gold, next.goldCorrect, settings);
      if (j.outcome === "pass") {
        const changed = state.status !== "qualified";
        return moved(
          state,
          {
            ...next,
            status: "qualified",
            lastPassAt: event.at,
            ...(changed ? { changedAt: event.at, changedBy: SYSTEM, reason } : {}),
          },
          settings,
        );
      }
      return moved(
        state,
        { ...next, status: "paused", changedAt: event.at, changedBy: SYSTEM, reason },
        settings,
      );
    }
    case "pause":
      if (state.status === "paused") {
        throw conflict(
          "already_paused",
          `reviewer ${state.reviewer} is already paused in queue "${state.queue}"`,
        );
      }
      return moved(
        state,
        {
          ...state,
          status: "paused",
          changedAt: event.at,
          changedBy: event.by,
          reason: `paused by ${event.by}: ${event.note}`,
        },
        settings,
      );
    case "reinstate": {
      if (state.status !== "paused") {
        throw conflict(
          "not_paused",
          `reviewer ${state.reviewer} is not paused in queue "${state.queue}" (${state.status})`,
        );
      }
      const { lastPassAt: _dropped, ...rest } = state;
      const required = settings?.minAccuracy !== undefined;
      return moved(
        state,
        {
          ...rest,
          status: required ? "qualifying" : "qualified",
          gold: 0,
          goldCorrect: 0,
          since: event.at,
          changedAt: event.at,
          changedBy: event.by,
          reason: `reinstated by ${event.by}: ${event.note}`,
        },
        settings,
      );
    }
  }
}

/**
 * Refuses a claim in a queue where the reviewer is paused, with the reason and what to do.
 *
 * @throws DomainError 403 `reviewer_paused`
 */
export function assertMayClaim(state: Qualification | undefined): void {
  if (state?.status !== "paused") return;
  throw new DomainError(
    403,
    "reviewer_paused",
    `you are paused in queue "${state.queue}" since ${state.changedAt}: ${state.reason}. ` +
      "An admin of this queue must reinstate you before you can claim here; other queues are not affected.",
  );
}

/**
 * The fewest gold items at which a reviewer with every answer right can pass `minAccuracy` on the
 * Wilson lower bound (n/(n + z²) ≥ minAccuracy), or null when no count up to 10,000 can.
 */
export function minGoldToJudge(minAccuracy: number): number | null {
  for (let n = 1; n <= MAX_GOLD_ITEMS; n++)
    if (wilson(n, n, QUALIFICATION_CONFIDENCE)[0] >= minAccuracy) return n;
  return null;
}

/**
 * The chance that a reviewer whose true accuracy is `accuracy` passes the first check, at
 * `minGoldItems` gold items: the lower bound grows with the right answers, so it is P(X ≥ x*) for
 * X ~ Binomial(n, accuracy) and x* the fewest right answers that pass. For choosing `minAccuracy`
 * and `minGoldItems` (docs/review.md has a table).
 */
export function passProbability(
  accuracy: number,
  settings: Pick<QualificationSettings, "minAccuracy" | "minGoldItems">,
): number {
  const n = settings.minGoldItems;
  const min = settings.minAccuracy;
  if (min === undefined) return 1;
  if (!(accuracy >= 0 && accuracy <= 1)) {
    throw new RangeError(`passProbability: accuracy must be in [0, 1], got ${accuracy}`);
  }
  for (let x = 0; x <= n; x++) {
    if (wilson(x, n, QUALIFICATION_CONFIDENCE)[0] >= min) return 1 - binomialCdf(x - 1, n, accuracy);
  }
  return 0;
}
