import type { Policy } from "../experiments/schema";

export interface ReviewPrice {
  hourlyRateUsd: number;
  perReviewUsd?: number;
}

/**
 * The price of a review in a tier of the arm's policy. Audits (tier "audit") and any tier the policy
 * does not name are priced at the first tier: the cheapest people look at them.
 */
export function tierPrice(policy: Pick<Policy, "sla">, tierName: string): ReviewPrice {
  const tier = policy.sla.tiers.find((t) => t.name === tierName) ?? policy.sla.tiers[0];
  if (!tier) return { hourlyRateUsd: 0 };
  return {
    hourlyRateUsd: tier.hourlyRateUsd,
    ...(tier.perReviewUsd !== undefined ? { perReviewUsd: tier.perReviewUsd } : {}),
  };
}

/** Human cost of one verdict: the flat per-review price when set, else handling time × hourly rate. */
export function reviewCostUsd(handlingSeconds: number, price: ReviewPrice): number {
  return price.perReviewUsd ?? (Math.max(0, handlingSeconds) / 3600) * price.hourlyRateUsd;
}
