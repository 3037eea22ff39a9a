/**
 * The reviewer side of the claim path: a claim in a queue with gold settings may be answered with a
 * gold item (core/reviewers/serving.ts) and is refused to a paused reviewer; a gold item's verdict
 * is a reviewer fact and a qualification check, committed together, and nothing else (no workflow,
 * no outcome, no feedback). Everything else is the review desk's (core/review/desk.ts).
 */

import { type AuditEntry, reviewEntity } from "../audit/entry";
import { DomainError, notFound } from "../errors";
import type { Experiment, GoldSettings, QueueSettings } from "../experiments/schema";
import type { PendingFilter } from "../ports";
import {
  assertLease,
  assertVisible,
  claimNext,
  type DeskDeps,
  extendLease,
  release,
  submitVerdict,
  type VerdictInput,
} from "../review/desk";
import type { Reviewer } from "../review/entitlement";
import type { ReviewItem } from "../review/item";
import { goldReviewItem } from "./gold-item";
import { returnLapsed } from "./lapsed";
import type { GoldStore, LapsedLeases, ReReviewWrites, ReviewerState, ReviewerStates } from "./ports";
import {
  assertMayClaim,
  newQualification,
  type QualificationSettings,
  type QualificationTransition,
  qualify,
} from "./qualification";
import { reReviewVerdict } from "./re-review-verdict";
import { chooseGold, goldSampled } from "./serving";
import { type AnyVerdictResult, closing, explained, standaloneVerdict } from "./standalone-verdict";

export type { AnyVerdictResult } from "./standalone-verdict";

export interface ReviewerDeskDeps extends DeskDeps {
  gold: GoldStore;
  states: ReviewerStates;
  /** Every experiment (cached by the caller): queue settings live in experiments. */
  listExperiments: () => Promise<Experiment[]>;
  newId: () => string;
  /** A re-review's write with the original's revision, in one transaction. */
  reReviewWrites: ReReviewWrites;
  /** Gold and re-review claims whose lease ran out (core/reviewers/lapsed.ts). */
  leases: LapsedLeases;
  /** Sends a paused reviewer's verdicts in a window for a second review (core/reviewers/re-review.ts). */
  reReview?: (
    reviewer: string,
    queue: string,
    window: { from: string; to: string },
    reason: string,
  ) => Promise<number>;
}

export interface QueueConfig {
  experiment: Experiment;
  settings: QueueSettings;
}

/** The audit entity of a reviewer's standing in a queue. */
export const reviewerEntity = (queue: string, reviewer: string) => `reviewer#${queue}#${reviewer}`;

/**
 * The settings of a queue: from the experiment (of `experimentId`, when given) that names the
 * queue under `queues`; the first by id when several do.
 */
export async function queueConfig(
  deps: Pick<ReviewerDeskDeps, "listExperiments">,
  queue: string,
  experimentId?: string,
): Promise<QueueConfig | undefined> {
  const experiment = (await deps.listExperiments())
    .filter((e) => Object.hasOwn(e.queues ?? {}, queue) && (!experimentId || e.id === experimentId))
    .sort((a, b) => a.id.localeCompare(b.id))[0];
  const settings = experiment?.queues?.[queue];
  return experiment && settings ? { experiment, settings } : undefined;
}

export function qualificationSettings(gold: GoldSettings | undefined): QualificationSettings | undefined {
  if (!gold) return undefined;
  return {
    minAccuracy: gold.minAccuracy,
    minGoldItems: gold.minGoldItems,
    reReviewWhenPaused: gold.reReviewWhenPaused,
  };
}

/** The reviewer's state in the queue, or the state of their first claim there (version 0: not stored). */
export async function stateFor(
  deps: Pick<ReviewerDeskDeps, "states">,
  queue: string,
  reviewer: string,
  gold: GoldSettings | undefined,
  at: string,
): Promise<ReviewerState> {
  return (
    (await deps.states.get(queue, reviewer)) ?? {
      reviewer,
      queue,
      claims: 0,
      served: [],
      qualification: newQualification(reviewer, queue, at, qualificationSettings(gold)),
      version: 0,
    }
  );
}

const bump = (state: ReviewerState, changes: Partial<ReviewerState>): ReviewerState => ({
  ...state,
  ...changes,
  version: state.version + 1,
});

/** The audit entry of a change of standing: from, to, who, why (and what goes for a second review). */
export function transitionEntry(
  queue: string,
  reviewer: string,
  transition: QualificationTransition,
  reReviewed?: number,
): AuditEntry {
  return {
    entity: reviewerEntity(queue, reviewer),
    at: transition.at,
    actor: transition.by,
    action: "qualification",
    detail: {
      queue,
      reviewer,
      from: transition.from,
      to: transition.to,
      reason: transition.reason,
      ...(transition.reReview ? { reReview: transition.reReview } : {}),
      ...(reReviewed !== undefined ? { reReviewed } : {}),
    },
  };
}

/** Serves a gold item when the serving rule says so and the queue has real work (an empty queue that answers gives gold away). */
async function tryGold(
  deps: ReviewerDeskDeps,
  reviewer: Reviewer,
  queue: string,
  filter: PendingFilter,
  config: QueueConfig,
  state: ReviewerState,
): Promise<ReviewItem | undefined> {
  const settings = config.settings.gold;
  if (!settings || (settings.rate <= 0 && settings.firstItems <= 0)) return undefined;
  if (filter.experimentId && filter.experimentId !== config.experiment.id) return undefined;
  const seed = await deps.gold.seed(queue);
  if (!seed) return undefined;
  const claim = { reviewer: reviewer.id, queue, claimIndex: state.claims, seed };
  if (!goldSampled(claim, settings)) return undefined;
  const pool = await deps.gold.pool(queue);
  if (!pool.seed || pool.ids.length === 0) return undefined;
  const choice = chooseGold(
    {
      reviewer: reviewer.id,
      queue,
      claimIndex: state.claims,
      pool: pool.ids,
      served: new Set(state.served),
      seed: pool.seed,
    },
    settings,
  );
  if (!choice.serve) return undefined;
  // Gold back from a lapsed lease is no real work.
  if (!(await deps.desk.pending(queue, 25, filter)).some((pending) => !pending.gold)) return undefined;
  const gold = await deps.gold.get(queue, choice.goldId);
  if (!gold) return undefined;
  const experiment = (await deps.experiments.get(gold.experimentId)) ?? config.experiment;
  const now = deps.now();
  const item = goldReviewItem({
    gold,
    experiment,
    queue,
    reviewer: reviewer.id,
    decisionId: deps.newId(),
    now,
  });
  const next = bump(state, { claims: state.claims + 1, served: [...state.served, gold.goldId] });
  // A concurrent claim of the same reviewer moved the state: this claim takes a real item instead.
  // The claim's shadow commits with it: the queue's depth drops as a real claim's would.
  if (!(await deps.states.commit(next, { kind: "create", item }, { queue }))) return undefined;
  await deps.audit.append([
    {
      entity: reviewEntity(item.reviewId),
      at: item.enqueuedAt,
      actor: "review-intake",
      action: "enqueued",
      detail: { queue, tier: item.tier, round: 1, deadline: item.deadline, priority: item.priority },
    },
    {
      entity: reviewEntity(item.reviewId),
      at: item.claimedAt ?? now.toISOString(),
      actor: reviewer.id,
      action: "claimed",
      detail: { round: 1, queue, leaseUntil: item.leaseUntil },
    },
  ]);
  return item;
}

/**
 * Claims the next item of a queue for a reviewer. In a queue with settings: refused with 403
 * `reviewer_paused` to a reviewer paused there; answered with a gold item on the serving rule's
 * claims; every claim counted (the serving rule's claim index).
 */
export async function claim(
  deps: ReviewerDeskDeps,
  reviewer: Reviewer,
  queue: string,
  filter: PendingFilter = {},
): Promise<ReviewItem | undefined> {
  assertVisible(reviewer, queue);
  // Lapsed gold and re-review claims first, so this claim may take one (any queue: adjudications too).
  await returnLapsed(deps, queue);
  const config = await queueConfig(deps, queue);
  if (!config) return claimNext(deps, reviewer, queue, filter);
  const state = await stateFor(deps, queue, reviewer.id, config.settings.gold, deps.now().toISOString());
  assertMayClaim(state.qualification);
  const gold = await tryGold(deps, reviewer, queue, filter, config, state);
  if (gold) return gold;
  const item = await claimNext(deps, reviewer, queue, filter);
  // A concurrent claim that moved the state meanwhile costs one count: it only shifts the serving index.
  if (item) await deps.states.commit(bump(state, { claims: state.claims + 1 }));
  return item;
}

/** Records a verdict: a gold item's here, any other item's by the review desk. */
export async function verdict(
  deps: ReviewerDeskDeps,
  reviewer: Reviewer,
  id: string,
  input: VerdictInput,
): Promise<AnyVerdictResult> {
  const item = await deps.reviews.get(id);
  if (item?.gold) return goldVerdict(deps, reviewer, item, input);
  if (item?.reReview) return reReviewVerdict(deps, reviewer, item, input);
  return submitVerdict(deps, reviewer, id, input);
}

async function goldVerdict(
  deps: ReviewerDeskDeps,
  reviewer: Reviewer,
  item: ReviewItem,
  input: VerdictInput,
): Promise<AnyVerdictResult> {
  const gold = item.gold;
  if (!gold) throw new Error(`review ${item.reviewId} is not a gold item`);
  const id = item.reviewId;
  const checked = await standaloneVerdict(deps, reviewer, item, input);
  if ("replay" in checked) return checked.replay;
  const { given } = checked;
  const at = given.at;
  const write = closing(item, reviewer, given);
  const config = await queueConfig(deps, item.queue);
  const settings = qualificationSettings(config?.settings.gold);
  // The qualification check commits with the verdict; a concurrent change of the state is read again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const state = await stateFor(deps, item.queue, reviewer.id, config?.settings.gold, at);
    const step = qualify(
      state.qualification,
      { type: "gold-verdict", correct: given.label === gold.label, at },
      settings,
    );
    if (await deps.states.commit(bump(state, { qualification: step.state }), write)) {
      await deps.audit.append([
        {
          entity: reviewEntity(id),
          at,
          actor: reviewer.id,
          action: "verdict",
          detail: { round: item.round, queue: item.queue, label: given.label, complete: true },
        },
      ]);
      if (step.transition) await recordTransition(deps, item.queue, reviewer.id, step.transition);
      return { reviewId: id, status: "recorded", verdict: given, replayed: false, ...explained(item) };
    }
    const current = await deps.reviews.get(id);
    if (current?.status !== "claimed" || current.leaseHolder !== reviewer.id)
      throw new DomainError(409, "hold_closed", `review ${id} changed meanwhile; nothing was changed`);
  }
  throw new DomainError(
    409,
    "hold_closed",
    `review ${id}: your standing in the queue kept changing; try again`,
  );
}

/** The audit entry of a change of standing, after sending the verdicts a pause calls for to a second review. */
export async function recordTransition(
  deps: Pick<ReviewerDeskDeps, "audit" | "reReview">,
  queue: string,
  reviewer: string,
  transition: QualificationTransition,
): Promise<void> {
  const reReviewed =
    transition.reReview && deps.reReview
      ? await deps.reReview(reviewer, queue, transition.reReview, transition.reason)
      : undefined;
  await deps.audit.append([transitionEntry(queue, reviewer, transition, reReviewed)]);
}

/** Hands a claimed item back: a gold item leaves (it is served to no one else), any other goes back to its queue. */
export async function releaseAny(deps: ReviewerDeskDeps, reviewer: Reviewer, id: string): Promise<void> {
  const item = await deps.reviews.get(id);
  if (!item?.gold) return release(deps, reviewer, id);
  const now = deps.now();
  assertLease(item, reviewer, now);
  const at = now.toISOString();
  const ok = await deps.desk.updateClaimed(
    id,
    item.round,
    reviewer.id,
    {
      status: "withdrawn",
      releasedBy: [reviewer.id],
      releases: [...(item.releases ?? []), { round: item.round, reviewer: reviewer.id, at }],
      updatedAt: at,
    },
    ["leaseHolder", "leaseUntil", "claimedAt"],
  );
  if (!ok) throw new DomainError(409, "hold_closed", `review ${id} changed meanwhile; nothing was changed`);
  await deps.audit.append([
    {
      entity: reviewEntity(id),
      at,
      actor: reviewer.id,
      action: "released",
      detail: { round: item.round, queue: item.queue },
    },
  ]);
}

/** Extends a lease: a gold item's in the table only (no workflow waits on it). */
export async function heartbeatAny(
  deps: ReviewerDeskDeps,
  reviewer: Reviewer,
  id: string,
): Promise<{ leaseUntil: string }> {
  const item = await deps.reviews.get(id);
  if (!item) throw notFound("review", id);
  if (!item.gold) return extendLease(deps, reviewer, id);
  const now = deps.now();
  assertLease(item, reviewer, now);
  const leaseUntil = new Date(now.getTime() + item.leaseSeconds * 1000).toISOString();
  await deps.desk.updateClaimed(id, item.round, reviewer.id, { leaseUntil, updatedAt: now.toISOString() });
  return { leaseUntil };
}
