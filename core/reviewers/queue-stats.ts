/**
 * Queue statistics that do not give gold away. A real claim takes the queue's best pending item, so
 * `GET /v1/queues` shows one item fewer (and the ages without it); a gold claim takes nothing from
 * the queue. Each gold claim therefore leaves a shadow on its queue, committed with the claim, and
 * the statistics leave out as many of the best pending items as the queue has shadows: exactly what
 * a real claim would have taken. The next real item entering the queue absorbs one shadow
 * (core/review/intake.ts), so the depth never drifts below the real work by more than the gold
 * claims since the last arrival.
 */

import { type QueueStats, queueStatsOf } from "../review/desk";
import { canSee, type Reviewer } from "../review/entitlement";
import type { ReviewItem } from "../review/item";
import type { ReviewerDeskDeps } from "./desk";

/** The pending items without each queue's `shadows` best ones (the best first, as claims take them). */
export function withoutShadowed(
  items: readonly ReviewItem[],
  shadows: ReadonlyMap<string, number>,
): ReviewItem[] {
  const byQueue = Map.groupBy(items, (item) => item.queue);
  const kept: ReviewItem[] = [];
  for (const [queue, pending] of byQueue) {
    const hidden = Math.max(0, Math.min(shadows.get(queue) ?? 0, pending.length));
    const best = [...pending].sort((a, b) => a.priorityKey.localeCompare(b.priorityKey));
    kept.push(...best.slice(hidden));
  }
  return kept;
}

/** `GET /v1/queues` for the reviewer: each visible queue's statistics, its gold claims' shadows left out. */
export async function reviewerQueueStats(
  deps: Pick<ReviewerDeskDeps, "desk" | "gold" | "now">,
  reviewer: Reviewer,
): Promise<QueueStats[]> {
  const pending = (await deps.desk.allPending()).filter((item) => canSee(reviewer, item.queue));
  const shadows = await deps.gold.shadows([...new Set(pending.map((item) => item.queue))]);
  return queueStatsOf(withoutShadowed(pending, shadows), reviewer, deps.now());
}
