import { z } from "zod";
import { DomainError, validationFailed } from "../errors";
import { BUDGETS, parseStorable } from "../storage/dynamodb-limits";
import { canonicalIso } from "./iso";
import { type FeedbackFeed, MAX_ACKS_PER_WRITE } from "./ports";
import type { FeedbackRecord, FeedbackStage } from "./record";

export const AckSchema = z.strictObject({
  feedbackIds: z.array(z.string().min(1).max(400)).min(1).max(MAX_ACKS_PER_WRITE).optional(),
  until: z.string().optional(),
  modelVersion: z.string().min(1).max(128),
  stage: z.enum(["training", "evaluation", "deployed"]),
});

export type AckRequest = { modelVersion: string; stage: FeedbackStage } & (
  | { feedbackIds: string[] }
  | { until: string }
);

/** Validates `POST /v1/feedback/ack`: `feedbackIds` or `until` (exactly one), `modelVersion`, `stage`. */
export function parseAckRequest(body: unknown): AckRequest {
  if (body === undefined)
    throw new DomainError(
      400,
      "missing_body",
      'request body is empty; send { "feedbackIds": [...] | "until": ISO, "modelVersion", "stage" }',
    );
  const parsed = parseStorable(AckSchema, body, "request body", BUDGETS.acknowledgement);
  if (!parsed.ok) throw validationFailed("acknowledgement", parsed.errors);
  const { feedbackIds, until, modelVersion, stage } = parsed.value;
  if ((feedbackIds === undefined) === (until === undefined))
    throw validationFailed("acknowledgement", [
      { path: "feedbackIds", message: "send either feedbackIds or until (exactly one of them)" },
    ]);
  if (until !== undefined) {
    const canonical = canonicalIso(until);
    if (!canonical)
      throw validationFailed("acknowledgement", [
        { path: "until", message: `must be an ISO 8601 date or date-time with a zone, got "${until}"` },
      ]);
    return { until: canonical, modelVersion, stage };
  }
  return { feedbackIds: feedbackIds ?? [], modelVersion, stage };
}

export interface AckDeps {
  feed: FeedbackFeed;
  now: () => Date;
}

export interface AckResult {
  stage: FeedbackStage;
  modelVersion: string;
  at: string;
  acknowledged: number;
  feedbackIds: string[];
}

/** "a, b, c and 17 more": error messages name ids without growing without bound. */
export function nameIds(ids: readonly string[], max = 20): string {
  const shown = ids.slice(0, max).join(", ");
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

/**
 * Records that a model version took corrections in at a stage. By ids: all or nothing (unknown ids →
 * 404, ids already acknowledged for the stage → 409, both checked before anything is written, and the
 * write itself is one conditional transaction). By `until`: every record produced up to then that has
 * no ack for the stage yet (none is not an error). Each ack stored on a record implies its
 * `feedback.acknowledged` event (core/metrics/implied/feedback.ts).
 */
export async function acknowledgeFeedback(deps: AckDeps, body: unknown): Promise<AckResult> {
  const request = parseAckRequest(body);
  const at = deps.now().toISOString();
  const { stage, modelVersion } = request;
  const write = (records: readonly FeedbackRecord[]) =>
    deps.feed.acknowledge({
      stage,
      modelVersion,
      acks: records.map((r) => ({ feedbackId: r.feedbackId, at })),
      // Training and evaluation acks make the version await its deployment (confirmed by a decision).
      awaitDeployment: stage !== "deployed",
    });

  if ("feedbackIds" in request) {
    const ids = [...new Set(request.feedbackIds)];
    const found = await deps.feed.get(ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new DomainError(
        404,
        "feedback_not_found",
        `no feedback record ${nameIds(missing)}; nothing was acknowledged`,
        missing.map((id) => ({ path: "feedbackIds", message: `${id} does not exist` })),
      );
    const records = ids.map((id) => found.get(id)).filter((r): r is FeedbackRecord => r !== undefined);
    const taken = records.flatMap((r) => {
      const ack = r.acks?.find((a) => a.stage === stage);
      return ack ? [`${r.feedbackId} (by ${ack.modelVersion})`] : [];
    });
    if (taken.length > 0) throw alreadyAcknowledged(stage, taken);
    const result = await write(records);
    // Another request acknowledged some of them between the check and the write: nothing was written.
    if (!result.ok) throw alreadyAcknowledged(stage, result.refused);
    return { stage, modelVersion, at, acknowledged: records.length, feedbackIds: ids };
  }

  const candidates = await deps.feed.unacknowledged(request.until, stage);
  const acknowledged: string[] = [];
  for (let i = 0; i < candidates.length; i += MAX_ACKS_PER_WRITE) {
    let chunk = candidates.slice(i, i + MAX_ACKS_PER_WRITE);
    while (chunk.length > 0) {
      const result = await write(chunk);
      if (result.ok) {
        acknowledged.push(...chunk.map((r) => r.feedbackId));
        break;
      }
      // Records another request acknowledged meanwhile are done for this stage; write the others.
      const refused = new Set(result.refused);
      const rest = chunk.filter((r) => !refused.has(r.feedbackId));
      if (rest.length === chunk.length) throw new Error("acknowledgement refused without naming a record");
      chunk = rest;
    }
  }
  return { stage, modelVersion, at, acknowledged: acknowledged.length, feedbackIds: acknowledged };
}

const alreadyAcknowledged = (stage: FeedbackStage, described: readonly string[]) =>
  new DomainError(
    409,
    "already_acknowledged",
    `already acknowledged for ${stage}: ${nameIds(described)}; a stage is acknowledged once per record, nothing was written`,
    described.map((d) => ({ path: "feedbackIds", message: `${d} is already acknowledged for ${stage}` })),
  );
