/**
 * A gold or re-review item whose lease runs out goes back to its queue, as a held item does when its
 * workflow's heartbeat times out (core/review/steps.ts, leaseExpired): a new round, what is left of
 * the same deadline, and the expired lease in the item's history (a reviewer fact, counted once).
 * No timer waits on these items, so the next claim in the queue returns them first.
 */

import { reviewEntity } from "../audit/entry";
import type { AuditLog } from "../ports";
import type { ReviewItem } from "../review/item";
import type { LapsedLeases } from "./ports";

export interface LapsedDeps {
  leases: LapsedLeases;
  audit: Pick<AuditLog, "append">;
  now: () => Date;
}

/** How many lapsed leases one claim returns at most (the rest wait for the next claim). */
const RETURN_LIMIT = 10;

/** The changes that put a lapsed item back in its queue, in a new round. */
export function reopened(item: ReviewItem, at: string): Partial<ReviewItem> {
  const round = item.round + 1;
  const holder = item.leaseHolder ?? "";
  return {
    status: "pending",
    pendingQueue: item.queue,
    round,
    rounds: [
      ...(item.rounds ?? []),
      { round, queue: item.queue, tier: item.tier, enqueuedAt: at, deadline: item.deadline },
    ],
    leaseExpiries: [...(item.leaseExpiries ?? []), { round: item.round, reviewer: holder, at }],
    enqueuedAt: at,
    updatedAt: at,
  };
}

/** Returns the queue's lapsed gold and re-review claims to it; how many it returned. */
export async function returnLapsed(deps: LapsedDeps, queue: string): Promise<number> {
  const now = deps.now();
  const at = now.toISOString();
  let returned = 0;
  for (const item of await deps.leases.lapsed(queue, at, RETURN_LIMIT)) {
    if (!item.leaseHolder || !item.leaseUntil || Date.parse(item.leaseUntil) > now.getTime()) continue;
    const changes = reopened(item, at);
    if (!(await deps.leases.reopen(item, changes, ["leaseHolder", "leaseUntil", "claimedAt", "leaseQueue"])))
      continue;
    returned++;
    await deps.audit.append([
      {
        entity: reviewEntity(item.reviewId),
        at,
        actor: "reviewer-quality",
        action: "lease-expired",
        detail: { reviewer: item.leaseHolder, leaseUntil: item.leaseUntil, round: item.round, queue },
      },
    ]);
  }
  return returned;
}
