import { HitlApiError, type HitlClient } from "../client";
import { LABELS, type SimulatedDecision, simulatedTraffic } from "../core/simulation/model";
import { seededRandom } from "../core/simulation/random";

export interface TrafficStats {
  sent: number;
  auto: number;
  human: number;
  audit: number;
  errors: number;
  reviewed: number;
  latenciesMs: number[];
  lastError?: string;
}

/** Counters of a simulation run, all at zero. */
export function newTrafficStats(): TrafficStats {
  return { sent: 0, auto: 0, human: 0, audit: 0, errors: 0, reviewed: 0, latenciesMs: [] };
}

/**
 * Sends simulated decisions at `rate` per second (Poisson arrivals) until `signal` aborts or
 * `limit` decisions were sent. Remembers each decision's true label for the simulated reviewers.
 */
export async function driveTraffic(
  producer: HitlClient,
  options: { experimentId: string; rate: number; limit?: number; seed?: number; signal: AbortSignal },
  stats: TrafficStats,
  truths: Map<string, string>,
): Promise<void> {
  const next = simulatedTraffic({ rate: options.rate, seed: options.seed ?? Date.now() % 1_000_000 });
  const inFlight = new Set<Promise<void>>();
  while (!options.signal.aborted && (options.limit === undefined || stats.sent < options.limit)) {
    const decision: SimulatedDecision = next();
    truths.set(decision.decisionId, decision.truth);
    const started = performance.now();
    const call = producer.decisions
      .send({
        experimentId: options.experimentId,
        unitId: decision.unitId,
        decisionId: decision.decisionId,
        item: decision.item,
        prediction: decision.prediction,
      })
      .then((answer) => {
        stats.latenciesMs.push(performance.now() - started);
        if (answer.route === "auto") stats.auto += 1;
        else stats.human += 1;
        if (answer.audit) stats.audit += 1;
      })
      .catch((error: unknown) => {
        stats.errors += 1;
        stats.lastError = error instanceof HitlApiError ? error.message : String(error);
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
    stats.sent += 1;
    await sleep(decision.gapSeconds * 1000, options.signal);
  }
  await Promise.allSettled(inFlight);
}

/**
 * A simulated reviewer: claims the next item of each of its queues, of its experiment only (queues
 * such as `audit` are shared with the user's own experiments), takes a few seconds, and answers the
 * true label (careful people are right about 95% of the time).
 */
export async function simulateReviewer(
  reviewer: HitlClient,
  options: {
    experimentId: string;
    queues: string[];
    thinkSeconds: number;
    seed: number;
    signal: AbortSignal;
    /** The right label of an item the simulation did not send (a gold item), by its content. */
    itemTruth?: (item: Record<string, unknown>) => string | undefined;
  },
  stats: TrafficStats,
  truths: Map<string, string>,
): Promise<void> {
  const random = seededRandom(options.seed);
  while (!options.signal.aborted) {
    let worked = false;
    for (const queue of options.queues) {
      try {
        const claimed = await reviewer.reviews.claim(queue, { experimentId: options.experimentId });
        if (!claimed) continue;
        worked = true;
        const think = options.thinkSeconds * (0.5 + random());
        await sleep(think * 1000, options.signal);
        const truth =
          truths.get(claimed.review.decisionId) ??
          options.itemTruth?.(claimed.review.context.item) ??
          LABELS[0];
        const label = random() < 0.95 ? truth : (LABELS[Math.floor(random() * LABELS.length)] as string);
        await reviewer.reviews.verdict(claimed.review.reviewId, {
          label,
          handlingSeconds: Math.round(think),
        });
        stats.reviewed += 1;
      } catch (error) {
        if (options.signal.aborted) return;
        stats.lastError = error instanceof HitlApiError ? error.message : String(error);
      }
    }
    if (!worked) await sleep(1000, options.signal);
  }
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
