/**
 * A gold item as a review item: built when a claim is answered with gold, shaped exactly like a
 * held item of the same queue (an `rv-…` id derived from a decision id, an arm, a tier, a deadline,
 * a routing reason, the queue's labels), so nothing in the API or the console tells them apart
 * before the verdict. Only the server-side `gold` field knows.
 */

import { fnv1a32 } from "../assignment/hash";
import type { Arm, Experiment } from "../experiments/schema";
import { evaluatePolicy } from "../policy/evaluate";
import { formatPair } from "../policy/format";
import { reviewIdFor } from "../review/hold";
import { priorityKeyOf, type ReviewItem } from "../review/item";
import { priorityScore } from "../review/priority";
import type { StoredGold } from "./ports";

/** A real item waits a while before it is claimed; a gold item claimed at once would give itself away. */
const MIN_WAIT_SECONDS = 60;
const MAX_WAIT_SECONDS = 900;

function armFor(experiment: Experiment, key: string): Arm | undefined {
  const total = experiment.arms.reduce((s, a) => s + a.weight, 0);
  let point = (fnv1a32(key) / 0x1_0000_0000) * (total || 1);
  for (const arm of experiment.arms) {
    point -= total > 0 ? arm.weight : 1;
    if (point < 0) return arm;
  }
  return experiment.arms[experiment.arms.length - 1];
}

export interface GoldServing {
  gold: StoredGold;
  experiment: Experiment;
  queue: string;
  reviewer: string;
  /** A fresh decision id, as the router makes for a decision sent without one. */
  decisionId: string;
  now: Date;
}

/** The review item a claim gets for a gold item: claimed by the reviewer, on a lease, in round 1. */
export function goldReviewItem(serving: GoldServing): ReviewItem {
  const { gold, experiment, queue, reviewer, decisionId, now } = serving;
  const arm = armFor(experiment, `${decisionId}#${reviewer}`);
  if (!arm) throw new Error(`experiment ${experiment.id} has no arm`);
  const policy = arm.policy;
  const tier = policy.sla.tiers[0];
  const slaSeconds = tier?.slaSeconds ?? 3600;
  const waited = MIN_WAIT_SECONDS + (fnv1a32(`${decisionId}#wait`) % (MAX_WAIT_SECONDS - MIN_WAIT_SECONDS));
  const enqueued = new Date(now.getTime() - Math.min(waited, slaSeconds / 2) * 1000);
  const deadline = new Date(enqueued.getTime() + slaSeconds * 1000).toISOString();
  const routed = evaluatePolicy(policy, { decisionId, item: gold.item, prediction: gold.prediction });
  const [confidence, threshold] = formatPair(gold.prediction.confidence, policy.autoAcceptAbove);
  const reason = routed.route === "human" ? routed.reason : `confidence ${confidence} < ${threshold}`;
  const priority = priorityScore({
    secondsToDeadline: (Date.parse(deadline) - now.getTime()) / 1000,
    item: gold.item,
    prediction: gold.prediction,
    threshold: policy.autoAcceptAbove,
    audit: false,
  });
  const reviewId = reviewIdFor(decisionId, "review");
  const at = now.toISOString();
  const enqueuedAt = enqueued.toISOString();
  const leaseSeconds = Math.min(policy.sla.heartbeatSeconds, slaSeconds);
  return {
    reviewId,
    decisionId,
    experimentId: experiment.id,
    arm: arm.id,
    kind: "review",
    status: "claimed",
    queue,
    priority,
    priorityKey: priorityKeyOf(priority, enqueuedAt, reviewId),
    tier: tier?.name ?? "tier-1",
    tierIndex: 0,
    round: 1,
    deadline,
    // No workflow waits on a gold item: nothing to resume.
    taskToken: "",
    threshold: policy.autoAcceptAbove,
    enqueuedAt,
    leaseSeconds,
    leaseHolder: reviewer,
    leaseUntil: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
    leaseQueue: queue,
    claimedAt: at,
    requiredVerdicts: 1,
    verdicts: [],
    excludedReviewers: [],
    reasons: [reason],
    context: { item: gold.item, prediction: gold.prediction, routingReason: reason },
    labels: experiment.labels,
    ...(experiment.feedback ? { feedback: experiment.feedback } : {}),
    rounds: [{ round: 1, queue, tier: tier?.name ?? "tier-1", enqueuedAt, deadline }],
    escalations: [],
    enrolled: true,
    decisionCreatedAt: enqueuedAt,
    createdAt: enqueuedAt,
    updatedAt: at,
    gold: {
      goldId: gold.goldId,
      label: gold.label,
      ...(gold.explanation !== undefined ? { explanation: gold.explanation } : {}),
    },
  };
}
