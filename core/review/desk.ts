import { reviewEntity } from "../audit/entry";
import { tierPrice } from "../cost/human";
import { DomainError, notFound, validationFailed } from "../errors";
import { DEFAULT_FEEDBACK } from "../feedback/types/schema";
import { checkFeedback, type FeedbackInput } from "../feedback/types/verdict";
import type { AuditLog, ExperimentStore, PendingFilter, ReviewDesk, ReviewStore, Workflow } from "../ports";
import { TaskClosedError } from "../ports";
import { DYNAMODB_LIMITS, dynamoBytes, utf8Bytes } from "../storage/dynamodb-limits";
import { canSee, type Reviewer } from "./entitlement";
import { publicView, type ReviewItem, type Verdict } from "./item";
import { priorityScore } from "./priority";
import { NEAR_SLA_SHARE } from "./queue-history";
import { type ReviewerView, reviewerView } from "./view";

export interface DeskDeps {
  reviews: ReviewStore;
  desk: ReviewDesk;
  workflow: Workflow;
  experiments: Pick<ExperimentStore, "get">;
  audit: AuditLog;
  now: () => Date;
}

/** How many of a queue's best items a claim looks at before re-scoring them with the current time. */
const CLAIM_WINDOW = 25;

const entryFor = (
  item: ReviewItem,
  actor: string,
  action: "claimed" | "released" | "verdict",
  at: string,
  detail = {},
) => ({
  entity: reviewEntity(item.reviewId),
  at,
  actor,
  action,
  detail: { round: item.round, queue: item.queue, ...detail },
});

/** Stored priorities were computed at intake; urgency grows as the deadline nears, so re-score. */
function currentPriority(item: ReviewItem, now: Date, threshold: number): number {
  return priorityScore({
    secondsToDeadline: (Date.parse(item.deadline) - now.getTime()) / 1000,
    item: item.context.item,
    prediction: item.context.prediction,
    threshold,
    audit: item.kind === "audit",
  });
}

export function assertVisible(reviewer: Reviewer, queue: string): void {
  if (!canSee(reviewer, queue)) {
    throw new DomainError(
      403,
      "queue_forbidden",
      `reviewer ${reviewer.id} may not work the queue "${queue}"`,
    );
  }
}

const roundVerdicts = (item: ReviewItem) => item.verdicts.filter((v) => v.round === item.round);

const releasedBy = (item: ReviewItem, reviewer: Reviewer) => (item.releasedBy ?? []).includes(reviewer.id);

/**
 * Gives the reviewer the most urgent pending item of the queue (of one experiment, with
 * `filter.experimentId`), leased for `leaseSeconds`. Items the reviewer released come after every
 * other. The claim is a conditional write, so two reviewers racing never get the same item; the
 * loser moves on to the next candidate. A heartbeat restarts the workflow's heartbeat clock.
 */
export async function claimNext(
  deps: DeskDeps,
  reviewer: Reviewer,
  queue: string,
  filter: PendingFilter = {},
): Promise<ReviewItem | undefined> {
  assertVisible(reviewer, queue);
  const now = deps.now();
  const pending = await deps.desk.pending(queue, CLAIM_WINDOW, filter);
  // A gold item back from a lapsed lease waits like any; served alone it would give itself away.
  const realWork = pending.some((item) => !item.gold);
  const candidates = pending
    .filter((item) => realWork || !item.gold)
    .filter((item) => !item.excludedReviewers.includes(reviewer.id))
    .filter((item) => !roundVerdicts(item).some((v) => v.reviewer === reviewer.id))
    .map((item) => ({
      item,
      score: currentPriority(item, now, item.threshold),
      released: releasedBy(item, reviewer),
    }))
    .sort((a, b) => Number(a.released) - Number(b.released) || b.score - a.score);
  for (const { item } of candidates) {
    const at = now.toISOString();
    const leaseUntil = new Date(now.getTime() + item.leaseSeconds * 1000).toISOString();
    // No workflow's heartbeat timeout returns a gold or re-review item: the byLease index does.
    const leaseQueue = item.taskToken ? undefined : item.queue;
    if (!(await deps.desk.claim(item.reviewId, item.round, reviewer.id, leaseUntil, at, leaseQueue)))
      continue;
    try {
      // A re-review item has no workflow waiting on it (core/reviewers/re-review.ts).
      if (item.taskToken) await deps.workflow.heartbeat(item.taskToken);
    } catch (error) {
      if (!(error instanceof TaskClosedError)) throw error;
      continue; // The hold ended meanwhile (escalated); its next round will be a new item.
    }
    await deps.audit.append([entryFor(item, reviewer.id, "claimed", at, { leaseUntil })]);
    return { ...item, status: "claimed", leaseHolder: reviewer.id, leaseUntil, claimedAt: at };
  }
  return undefined;
}

export interface ReviewHandoff {
  review: ReviewerView;
  /** The labels in this reviewer's own order (core/reviewers/label-order.ts). */
  labelOrder: string[];
  /** Whether the caller holds the lease now. */
  yours: boolean;
  history: Awaited<ReturnType<AuditLog["list"]>>;
}

/**
 * The context handoff: the item, the model's prediction with its confidence and alternatives, why
 * it is held, the deadline, earlier verdicts and history. In a double review the current round's
 * other verdict stays hidden, so the two reviewers decide independently. Never the task token.
 */
export async function getReview(deps: DeskDeps, reviewer: Reviewer, id: string): Promise<ReviewHandoff> {
  const item = await deps.reviews.get(id);
  if (!item) throw notFound("review", id);
  if (item.leaseHolder !== reviewer.id) assertVisible(reviewer, item.queue);
  // An adaptive extra review is blind to every earlier verdict, a multi-review to its round's.
  const blind = item.requiredVerdicts > 1 || item.extraReview === true;
  const hidden = (round: unknown, who: string) =>
    blind && who !== reviewer.id && (item.extraReview === true || round === item.round);
  const verdicts = item.verdicts.filter((v) => !hidden(v.round, v.reviewer));
  // The trail's verdict entries would tell a blind reviewer what the others chose.
  const history = (await deps.audit.list(reviewEntity(id))).filter(
    (e) => e.action !== "verdict" || !hidden(e.detail?.round, e.actor),
  );
  const experiment = await deps.experiments.get(item.experimentId);
  return {
    ...reviewerView(publicView({ ...item, verdicts }), experiment, reviewer.id),
    yours: item.leaseHolder === reviewer.id,
    history,
  };
}

export function assertLease(item: ReviewItem, reviewer: Reviewer, now: Date): void {
  if (item.status !== "claimed" || !item.leaseHolder) {
    throw new DomainError(
      409,
      "no_lease",
      `review ${item.reviewId} is ${item.status}, not claimed; claim it first with POST /v1/queues/${item.queue}/claim`,
    );
  }
  if (item.leaseHolder !== reviewer.id) {
    throw new DomainError(403, "held_by_another", `review ${item.reviewId} is held by another reviewer`);
  }
  if (Date.parse(item.leaseUntil ?? "") <= now.getTime()) {
    throw new DomainError(
      409,
      "lease_expired",
      `your lease on review ${item.reviewId} expired at ${item.leaseUntil}; claim it again`,
    );
  }
}

/** A label, or the typed parts the item's feedback schema asks for (docs/review.md, "Verdicts"). */
export interface VerdictInput extends FeedbackInput {
  notes?: string;
  handlingSeconds?: number;
}

export interface VerdictResult {
  reviewId: string;
  status: "recorded" | "waiting-for-second-review";
  verdict: Verdict;
  replayed: boolean;
}

/**
 * Records the lease holder's verdict. The last verdict a round needs resumes the workflow with
 * SendTaskSuccess, which a task accepts once: a verdict that arrives after the item escalated or
 * timed out gets 409 and changes nothing. Repeating the same verdict returns the first answer.
 */
/** Step Functions caps a task's output (every verdict of the item) at 256 KiB. */
const MAX_TASK_OUTPUT_BYTES = 262_144;
/** Room for the fields a verdict's write adds beside it (status, timestamps). */
const ITEM_MARGIN_BYTES = 2_048;

/**
 * A verdict is refused (400, nothing written) when the review item would no longer fit DynamoDB
 * with it, or all its verdicts no longer fit the workflow's task output: notes and corrections of
 * several reviewers add up.
 */
function checkVerdictFits(item: ReviewItem, verdict: Verdict): void {
  const all = [...item.verdicts, verdict];
  const itemBytes = dynamoBytes({ ...item, verdicts: all });
  const limit = DYNAMODB_LIMITS.maxItemBytes - ITEM_MARGIN_BYTES;
  const outputBytes = utf8Bytes(JSON.stringify({ verdicts: all }));
  const problem =
    itemBytes > limit
      ? `would make review ${item.reviewId} take ${itemBytes} bytes as DynamoDB counts them; at most ${limit} fit (DynamoDB's item limit is ${DYNAMODB_LIMITS.maxItemBytes} bytes): shorten the notes or the correction`
      : outputBytes > MAX_TASK_OUTPUT_BYTES
        ? `would make the verdicts of review ${item.reviewId} ${outputBytes} bytes of JSON; the workflow takes at most ${MAX_TASK_OUTPUT_BYTES} (Step Functions' 256 KiB): shorten the notes or the correction`
        : undefined;
  if (problem) throw validationFailed("verdict", [{ path: "verdict", message: problem }]);
}

export async function submitVerdict(
  deps: DeskDeps,
  reviewer: Reviewer,
  id: string,
  input: VerdictInput,
): Promise<VerdictResult> {
  const now = deps.now();
  const item = await deps.reviews.get(id);
  if (!item) throw notFound("review", id);
  const checked = checkFeedback(
    {
      feedback: item.feedback ?? DEFAULT_FEEDBACK,
      prediction: item.context.prediction,
      ...(item.positions ? { positions: item.positions } : {}),
    },
    input,
  );
  if (!checked.ok) throw validationFailed("verdict", checked.errors);
  const label = checked.label ?? "";
  const given = Object.keys(checked.given).length > 0 ? checked.given : undefined;
  const mine = item.verdicts.find((v) => v.reviewer === reviewer.id && v.round === item.round);
  if (mine) {
    if (mine.label === label) return { reviewId: id, status: "recorded", verdict: mine, replayed: true };
    throw new DomainError(
      409,
      "verdict_exists",
      `you already gave review ${id} the verdict "${mine.label}"; a second verdict with another label is refused`,
    );
  }
  if (input.label !== undefined && item.labels.length > 0 && !item.labels.includes(input.label)) {
    throw new DomainError(
      400,
      "label_not_allowed",
      `label "${input.label}" is not allowed for this item; choose one of ${item.labels.join(", ")}`,
    );
  }
  assertLease(item, reviewer, now);

  const at = now.toISOString();
  const claimedAt = item.claimedAt ?? at;
  const handlingSeconds =
    input.handlingSeconds ?? Math.max(0, (now.getTime() - Date.parse(claimedAt)) / 1000);
  const experiment = await deps.experiments.get(item.experimentId);
  const policy = experiment?.arms.find((a) => a.id === item.arm)?.policy;
  // Audits and adjudications wait in queues of their own; tierPrice prices them at the first tier.
  const price = policy ? tierPrice(policy, item.tier) : { hourlyRateUsd: 0 };
  // The verdict carries its claim time and price: the item alone implies its metric event.
  const verdict: Verdict = {
    reviewer: reviewer.id,
    label,
    ...(given ? { feedback: given } : {}),
    ...(input.notes ? { notes: input.notes } : {}),
    handlingSeconds,
    at,
    tier: item.tier,
    round: item.round,
    ...(item.extraReview ? { extra: true } : item.excludedReviewers.length > 0 ? { adjudication: true } : {}),
    claimedAt,
    price,
  };
  checkVerdictFits(item, verdict);
  const verdicts = [...roundVerdicts(item), verdict];
  const complete = verdicts.length >= item.requiredVerdicts;

  if (complete) {
    try {
      // Every verdict the item ever got, so settling can still see a disagreement's pair after adjudication.
      await deps.workflow.succeed(item.taskToken, { verdicts: [...item.verdicts, verdict] });
    } catch (error) {
      if (!(error instanceof TaskClosedError)) throw error;
      throw new DomainError(
        409,
        "hold_closed",
        `review ${id} escalated or timed out before this verdict arrived (its SLA or lease ran out); nothing was changed`,
      );
    }
    // Claimed without a lease holder: the one claimed state the reviews stream's filter lets through
    // (claims and heartbeats, which imply no event, keep a holder; lib/constructs/metrics-pipeline.ts).
    await deps.desk.updateClaimed(
      id,
      item.round,
      reviewer.id,
      { verdicts: [...item.verdicts, verdict], updatedAt: at },
      ["leaseHolder", "leaseUntil"],
    );
  } else {
    // First of two independent reviews: back to the queue for someone else.
    const stored = await deps.desk.updateClaimed(
      id,
      item.round,
      reviewer.id,
      { verdicts: [...item.verdicts, verdict], status: "pending", pendingQueue: item.queue, updatedAt: at },
      ["leaseHolder", "leaseUntil", "claimedAt"],
    );
    if (!stored)
      throw new DomainError(409, "hold_closed", `review ${id} changed meanwhile; nothing was changed`);
  }

  await deps.audit.append([entryFor(item, reviewer.id, "verdict", at, { label, complete })]);
  return {
    reviewId: id,
    status: complete ? "recorded" : "waiting-for-second-review",
    verdict,
    replayed: false,
  };
}

/** Hands a claimed item back to its queue; for this reviewer it then comes after every other item. */
export async function release(deps: DeskDeps, reviewer: Reviewer, id: string): Promise<void> {
  const now = deps.now();
  const item = await deps.reviews.get(id);
  if (!item) throw notFound("review", id);
  assertLease(item, reviewer, now);
  const at = now.toISOString();
  const ok = await deps.desk.updateClaimed(
    id,
    item.round,
    reviewer.id,
    {
      status: "pending",
      pendingQueue: item.queue,
      releasedBy: [...new Set([...(item.releasedBy ?? []), reviewer.id])],
      // The release is a reviewer-quality fact: the item's history implies its count.
      releases: [...(item.releases ?? []), { round: item.round, reviewer: reviewer.id, at }],
      updatedAt: at,
    },
    ["leaseHolder", "leaseUntil", "claimedAt"],
  );
  if (!ok) throw new DomainError(409, "hold_closed", `review ${id} changed meanwhile; nothing was changed`);
  await deps.audit.append([entryFor(item, reviewer.id, "released", at)]);
}

/** Extends the lease by its length again and tells the workflow the reviewer is still there. */
export async function extendLease(
  deps: DeskDeps,
  reviewer: Reviewer,
  id: string,
): Promise<{ leaseUntil: string }> {
  const now = deps.now();
  const item = await deps.reviews.get(id);
  if (!item) throw notFound("review", id);
  assertLease(item, reviewer, now);
  try {
    if (item.taskToken) await deps.workflow.heartbeat(item.taskToken);
  } catch (error) {
    if (!(error instanceof TaskClosedError)) throw error;
    throw new DomainError(409, "hold_closed", `review ${id} escalated or timed out; your lease is gone`);
  }
  const leaseUntil = new Date(now.getTime() + item.leaseSeconds * 1000).toISOString();
  await deps.desk.updateClaimed(id, item.round, reviewer.id, { leaseUntil, updatedAt: now.toISOString() });
  return { leaseUntil };
}

export interface QueueStats {
  queue: string;
  depth: number;
  oldestAgeSeconds: number;
  nearSla: number;
  pastSla: number;
}

/** Depth, oldest item's age, and items near (last 20% of the tier's SLA) or past their deadline, per visible queue. */
export async function queueStats(deps: DeskDeps, reviewer: Reviewer): Promise<QueueStats[]> {
  return queueStatsOf(await deps.desk.allPending(), reviewer, deps.now());
}

/** The statistics of these pending items, per queue the reviewer may see. */
export function queueStatsOf(items: readonly ReviewItem[], reviewer: Reviewer, at: Date): QueueStats[] {
  const now = at.getTime();
  const byQueue = new Map<string, QueueStats>();
  for (const item of items) {
    if (!canSee(reviewer, item.queue)) continue;
    const stats = byQueue.get(item.queue) ?? {
      queue: item.queue,
      depth: 0,
      oldestAgeSeconds: 0,
      nearSla: 0,
      pastSla: 0,
    };
    const left = (Date.parse(item.deadline) - now) / 1000;
    const span = Math.max(1, (Date.parse(item.deadline) - Date.parse(item.enqueuedAt)) / 1000);
    stats.depth += 1;
    stats.oldestAgeSeconds = Math.max(
      stats.oldestAgeSeconds,
      Math.round((now - Date.parse(item.createdAt)) / 1000),
    );
    if (left <= 0) stats.pastSla += 1;
    else if (left <= span * NEAR_SLA_SHARE) stats.nearSla += 1;
    byQueue.set(item.queue, stats);
  }
  return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
}
