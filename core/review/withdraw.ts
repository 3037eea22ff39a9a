import { decisionEntity, reviewEntity } from "../audit/entry";
import { conflict, notFound } from "../errors";
import type { AuditLog, DecisionStore, ReviewStore, Workflow } from "../ports";
import { OUT_OF_QUEUE } from "./item";

export interface WithdrawDeps {
  decisions: DecisionStore;
  reviews: ReviewStore;
  workflow: Workflow;
  audit: Pick<AuditLog, "append">;
  now: () => Date;
}

/**
 * The product no longer needs a held decision (the customer cancelled, say): stop its review
 * workflow and take the item out of every queue. Only a held decision can be withdrawn.
 */
export async function withdrawDecision(
  deps: WithdrawDeps,
  decisionId: string,
  actor: string,
  reason?: string,
) {
  const decision = await deps.decisions.get(decisionId);
  if (!decision) throw notFound("decision", decisionId);
  const at = deps.now().toISOString();
  if (decision.status !== "held" || !decision.reviewId) {
    throw conflict(
      "not_held",
      `decision "${decisionId}" is ${decision.status}; only a held decision can be withdrawn`,
    );
  }
  if (!(await deps.decisions.withdraw(decisionId, at))) {
    throw conflict("not_held", `decision "${decisionId}" was settled meanwhile; nothing was withdrawn`);
  }
  await deps.workflow.stop(decision.reviewId, reason ?? `withdrawn by ${actor}`);
  const item = await deps.reviews.get(decision.reviewId);
  if (item) {
    await deps.reviews.update(
      item.reviewId,
      item.round,
      { status: "withdrawn", updatedAt: at },
      OUT_OF_QUEUE,
    );
  }
  await deps.audit.append([
    {
      entity: decisionEntity(decisionId),
      at,
      actor,
      action: "withdrawn",
      detail: { reason: reason ?? null },
    },
    { entity: reviewEntity(decision.reviewId), at, actor, action: "withdrawn" },
  ]);
  return { decisionId, status: "withdrawn" as const };
}
