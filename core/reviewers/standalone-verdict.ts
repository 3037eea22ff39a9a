/**
 * The verdict of an item no workflow waits on (a gold item, a re-review): checked like any verdict
 * (a replay, a second label, the labels, the lease) and written by the reviewer side itself.
 */

import { tierPrice } from "../cost/human";
import { DomainError } from "../errors";
import { assertLease, type DeskDeps, type VerdictInput, type VerdictResult } from "../review/desk";
import type { Reviewer } from "../review/entitlement";
import type { ReviewItem, Verdict } from "../review/item";
import type { ItemWrite } from "./ports";

export interface AnyVerdictResult extends VerdictResult {
  /** A gold item's explanation, shown after the verdict. */
  explanation?: string;
}

export type ClaimedWrite = Extract<ItemWrite, { kind: "update-claimed" }>;

export const explained = (item: ReviewItem) =>
  item.gold?.explanation !== undefined ? { explanation: item.gold.explanation } : {};

/** The verdict a standalone item (gold, re-review) gets, checked like any: a replay, a second label, the labels, the lease. */
export async function standaloneVerdict(
  deps: Pick<DeskDeps, "now" | "experiments">,
  reviewer: Reviewer,
  item: ReviewItem,
  input: VerdictInput,
): Promise<{ replay: AnyVerdictResult } | { given: Verdict }> {
  const id = item.reviewId;
  // Gold answers and second reviews are labels: they are compared with a known or a first label.
  const label = input.label;
  if (label === undefined) {
    throw new DomainError(400, "label_required", `label: review ${id} needs a label; send { "label": ... }`);
  }
  const mine = item.verdicts.find((v) => v.reviewer === reviewer.id);
  if (mine) {
    if (mine.label === label)
      return {
        replay: { reviewId: id, status: "recorded", verdict: mine, replayed: true, ...explained(item) },
      };
    throw new DomainError(
      409,
      "verdict_exists",
      `you already gave review ${id} the verdict "${mine.label}"; a second verdict with another label is refused`,
    );
  }
  if (item.labels.length > 0 && !item.labels.includes(label)) {
    throw new DomainError(
      400,
      "label_not_allowed",
      `label "${input.label}" is not allowed for this item; choose one of ${item.labels.join(", ")}`,
    );
  }
  const now = deps.now();
  assertLease(item, reviewer, now);
  const at = now.toISOString();
  const claimedAt = item.claimedAt ?? at;
  const experiment = await deps.experiments.get(item.experimentId);
  const policy = experiment?.arms.find((a) => a.id === item.arm)?.policy;
  return {
    given: {
      reviewer: reviewer.id,
      label,
      ...(input.notes ? { notes: input.notes } : {}),
      handlingSeconds: input.handlingSeconds ?? Math.max(0, (now.getTime() - Date.parse(claimedAt)) / 1000),
      at,
      tier: item.tier,
      round: item.round,
      // A re-review's later rounds: an extra blind review, or the adjudication of a disagreement.
      ...(item.extraReview ? { extra: true } : item.adjudication ? { adjudication: true } : {}),
      claimedAt,
      price: policy ? tierPrice(policy, item.tier) : { hourlyRateUsd: 0 },
    },
  };
}

export const closing = (item: ReviewItem, reviewer: Reviewer, given: Verdict): ClaimedWrite => ({
  kind: "update-claimed",
  reviewId: item.reviewId,
  round: item.round,
  reviewer: reviewer.id,
  changes: { verdicts: [...item.verdicts, given], status: "decided", updatedAt: given.at },
  remove: ["leaseHolder", "leaseUntil", "leaseQueue"],
});
