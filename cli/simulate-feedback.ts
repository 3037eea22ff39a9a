import { HitlApiError, type HitlClient } from "../client";
import { type DemoDecision, demoVerdict, feedbackDemoTraffic } from "../core/simulation/feedback-demos";
import { seededRandom } from "../core/simulation/random";

export interface FeedbackDemoStats {
  sent: number;
  reviewed: number;
  signals: number;
  errors: number;
  lastError?: string;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
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

/**
 * The feedback demos' traffic (docs/feedback.md): generated replies and refund tool calls at `rate`
 * per second; a third of the automated ones get a user signal (accepted when the output was good,
 * else complained or reverted).
 */
export async function driveFeedbackDemos(
  producer: HitlClient,
  options: { rate: number; seed?: number; signal: AbortSignal },
  stats: FeedbackDemoStats,
  truths: Map<string, DemoDecision["truth"]>,
): Promise<void> {
  const next = feedbackDemoTraffic({ rate: options.rate, seed: options.seed ?? Date.now() % 1_000_000 });
  const random = seededRandom((options.seed ?? 1) + 11);
  while (!options.signal.aborted) {
    const d = next();
    truths.set(d.decisionId, d.truth);
    try {
      const answer = await producer.decisions.send({
        experimentId: d.experimentId,
        unitId: d.unitId,
        decisionId: d.decisionId,
        item: d.item,
        prediction: d.prediction,
      });
      stats.sent += 1;
      if (answer.route === "auto" && random() < 0.33) {
        const type = d.truth.good ? "accepted" : random() < 0.5 ? "complained" : "reverted";
        await producer.decisions.signal(d.decisionId, {
          signalId: `${d.decisionId}:${type}`,
          type,
          at: new Date().toISOString(),
        });
        stats.signals += 1;
      }
    } catch (error) {
      stats.errors += 1;
      stats.lastError = error instanceof HitlApiError ? error.message : String(error);
    }
    await sleep(d.gapSeconds * 1000, options.signal);
  }
}

/** A simulated reviewer of the feedback demos: claims their items and answers each feedback type. */
export async function simulateFeedbackReviewer(
  reviewer: HitlClient,
  options: { queues: { queue: string; experimentId: string }[]; seed: number; signal: AbortSignal },
  stats: FeedbackDemoStats,
  truths: Map<string, DemoDecision["truth"]>,
): Promise<void> {
  const random = seededRandom(options.seed);
  while (!options.signal.aborted) {
    let worked = false;
    for (const { queue, experimentId } of options.queues) {
      try {
        const claimed = await reviewer.reviews.claim(queue, { experimentId });
        if (!claimed) continue;
        worked = true;
        await sleep(3000 * (0.5 + random()), options.signal);
        const good = truths.get(claimed.review.decisionId)?.good ?? true;
        await reviewer.reviews.verdict(
          claimed.review.reviewId,
          demoVerdict(experimentId, claimed.review, good, random),
        );
        stats.reviewed += 1;
      } catch (error) {
        if (options.signal.aborted) return;
        stats.lastError = error instanceof HitlApiError ? error.message : String(error);
      }
    }
    if (!worked) await sleep(1000, options.signal);
  }
}
