/**
 * The soak's plan, pure and seeded (unit-tested in test/bench/soak.test.ts): when each worker crash
 * is armed and where, and how many copies of a decision are sent at once.
 */

import { seededRandom } from "../../core/simulation/random";

/** A function the soak crashes, and how many writes deep its crash may be. */
export interface CrashTarget {
  /** Short name in the soak's tables. */
  readonly label: string;
  /** The fault's `fn` (local/README.md "Fault injection"). */
  readonly fn: string;
  /** The crash comes after write 1..maxWrite of one invocation (an invocation with fewer writes leaves it armed). */
  readonly maxWrite: number;
  /** Strings the invocation's event must hold besides the soak's id (e.g. the verdict route). */
  readonly match?: readonly string[];
}

/** Every state-changing worker the soak's traffic runs through: route, intake, steps, verdict, counter. */
export const CRASH_TARGETS: readonly CrashTarget[] = [
  { label: "route", fn: "route-decision", maxWrite: 2 },
  { label: "intake", fn: "review-intake", maxWrite: 2 },
  { label: "steps", fn: "review-steps", maxWrite: 3 },
  { label: "verdict", fn: "reviews-api", maxWrite: 3, match: ["/verdict"] },
  { label: "counter", fn: "metrics-counter", maxWrite: 2 },
];

export interface PlannedCrash {
  /** Milliseconds after the traffic starts when the fault is armed. */
  readonly atMs: number;
  readonly target: CrashTarget;
  readonly afterWrite: number;
}

/** The soak's plan repeats from its seed: the simulation's seeded generator. */
export const seeded = seededRandom;

/**
 * `perMinute` crashes per minute over `durationMs` (rounded, at least one when the rate is not 0),
 * one in each of equal slots at a random point of the slot, so they spread over the whole run.
 * Targets take turns in an order shuffled once, so every target is crashed before any twice.
 */
export function crashSchedule(options: {
  durationMs: number;
  perMinute: number;
  seed: number;
  targets?: readonly CrashTarget[];
}): PlannedCrash[] {
  const targets = options.targets ?? CRASH_TARGETS;
  if (!(options.durationMs > 0) || !(options.perMinute >= 0))
    throw new RangeError("crashSchedule needs a positive duration and a rate ≥ 0");
  if (options.perMinute === 0 || targets.length === 0) return [];
  const random = seeded(options.seed);
  const count = Math.max(1, Math.round((options.perMinute * options.durationMs) / 60_000));
  const order = [...targets];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as CrashTarget, order[i] as CrashTarget];
  }
  const slot = options.durationMs / count;
  return Array.from({ length: count }, (_, i) => {
    const target = order[i % order.length] as CrashTarget;
    return {
      atMs: Math.floor((i + random()) * slot),
      target,
      afterWrite: 1 + Math.floor(random() * target.maxWrite),
    };
  });
}

/**
 * How many copies of one decision go out at once: 1, or with probability `duplicateShare` 2 or 3
 * (evenly), the way SQS may deliver a message more than once and a producer may resend.
 */
export function copiesOf(random: () => number, duplicateShare: number): 1 | 2 | 3 {
  if (random() >= duplicateShare) return 1;
  return random() < 0.5 ? 2 : 3;
}
