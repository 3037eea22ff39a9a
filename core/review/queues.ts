import type { Policy } from "../experiments/schema";
import { AUDIT_QUEUE } from "../policy/evaluate";
import { tierQueue } from "./hold";
import { ADJUDICATION_QUEUE_SUFFIX } from "./steps";

/**
 * Every queue an experiment's items can wait in: for each queue its policies name (the default
 * queue, topic and rule queues), every tier's queue and, with double review, its adjudication
 * queue; and the shared `audit` queue when it samples audits.
 */
export function experimentQueues(arms: readonly { readonly policy: Policy }[]): string[] {
  const queues = new Set<string>();
  for (const { policy } of arms) {
    const ruleQueues = policy.rules.flatMap((rule) => (rule.queue ? [rule.queue] : []));
    for (const base of new Set([policy.queue, ...Object.values(policy.topicQueues), ...ruleQueues])) {
      for (const i of policy.sla.tiers.keys()) queues.add(tierQueue(base, policy.sla.tiers, i));
      if (policy.doubleReviewRate > 0) queues.add(`${base}.${ADJUDICATION_QUEUE_SUFFIX}`);
    }
    if (policy.auditRate > 0) queues.add(AUDIT_QUEUE);
  }
  return [...queues];
}
