import { formatErrors } from "../experiments/validate";
import { checkStorable } from "../storage/dynamodb-limits";
import {
  type DeploymentSighting,
  type DeploymentSignal,
  type FeedbackFeed,
  MAX_ACKS_PER_WRITE,
  type ModelVersionRegistry,
} from "./ports";
import type { FeedbackRecord } from "./record";

export interface DeploymentWatchOptions {
  registry: Pick<ModelVersionRegistry, "get">;
  signal: DeploymentSignal;
  now: () => Date;
  /** How long a container trusts what it learnt about a version (default 60 s). */
  ttlSeconds?: number;
  /** Versions remembered per container (default 256; the oldest is forgotten first). */
  maxVersions?: number;
  /** Told of failures, which never fail the decision (the next decision with the version retries). */
  onError?: (error: unknown) => void;
}

/**
 * The routing hot path's side of deployment confirmation. Each container remembers, per model
 * version, until when it need not look again: a decision with a remembered version costs nothing.
 * Otherwise one GetItem on the version's registry item tells whether it awaits confirmation; if so a
 * sighting goes to the confirmation queue, where the slow part (every record the version took in)
 * runs off the hot path. So a version costs each container one read per `ttlSeconds` at most, and a
 * version awaiting confirmation one message per container per `ttlSeconds` until it is confirmed.
 */
export class DeploymentWatch {
  private readonly until = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxVersions: number;

  constructor(private readonly options: DeploymentWatchOptions) {
    this.ttlMs = (options.ttlSeconds ?? 60) * 1000;
    this.maxVersions = options.maxVersions ?? 256;
  }

  async seen(modelVersion: string, decisionId: string, at: string): Promise<void> {
    const now = this.options.now().getTime();
    if ((this.until.get(modelVersion) ?? 0) > now) return;
    // Remembered before the read, so concurrent decisions of one container look once.
    this.remember(modelVersion, now + this.ttlMs);
    try {
      const state = await this.options.registry.get(modelVersion);
      if (state?.awaitingDeployment) await this.options.signal.sighted({ modelVersion, decisionId, at });
    } catch (error) {
      this.until.delete(modelVersion);
      this.options.onError?.(error);
    }
  }

  private remember(modelVersion: string, until: number): void {
    this.until.delete(modelVersion);
    this.until.set(modelVersion, until);
    while (this.until.size > this.maxVersions) {
      const oldest = this.until.keys().next().value;
      if (oldest === undefined) break;
      this.until.delete(oldest);
    }
  }
}

export interface ConfirmDeps {
  feed: FeedbackFeed;
  registry: ModelVersionRegistry;
}

/**
 * A decision arrived with a model version that took corrections in (training or evaluation): that
 * version is deployed, so each of those records without a deployed ack gets one, by that version, at
 * the sighting's time (or its own training/evaluation ack's, if later); each ack implies its
 * `feedback.acknowledged` event. Idempotent: a record's deployed ack is written once (a
 * conditional write), and the version's flag is cleared only if no acknowledgement flagged it again
 * meanwhile (then the records are read again).
 */
export async function confirmDeployment(
  deps: ConfirmDeps,
  sighting: DeploymentSighting,
): Promise<{ confirmed: string[] }> {
  const { modelVersion } = sighting;
  const confirmed: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const state = await deps.registry.get(modelVersion);
    if (!state?.awaitingDeployment) return { confirmed };
    const pending = (await deps.feed.takenInBy(modelVersion)).filter(
      (r) => !r.acks?.some((a) => a.stage === "deployed"),
    );
    const atOf = (record: FeedbackRecord) => deployedAt(record, modelVersion, sighting.at);
    for (let i = 0; i < pending.length; i += MAX_ACKS_PER_WRITE) {
      let chunk = pending.slice(i, i + MAX_ACKS_PER_WRITE);
      while (chunk.length > 0) {
        const result = await deps.feed.acknowledge({
          stage: "deployed",
          modelVersion,
          acks: chunk.map((r) => ({ feedbackId: r.feedbackId, at: atOf(r) })),
          awaitDeployment: false,
        });
        if (result.ok) {
          confirmed.push(...chunk.map((r) => r.feedbackId));
          break;
        }
        // Acknowledged for deployment meanwhile (by the API or another confirmation): leave those.
        const refused = new Set(result.refused);
        const rest = chunk.filter((r) => !refused.has(r.feedbackId));
        if (rest.length === chunk.length) throw new Error("deployed ack refused without naming a record");
        chunk = rest;
      }
    }
    if (await deps.registry.confirmed(modelVersion, state.revision, sighting.at)) return { confirmed };
  }
  // Still flagged: the next sighting of the version finishes the work.
  return { confirmed };
}

function deployedAt(record: FeedbackRecord, modelVersion: string, sightedAt: string): string {
  const taken = (record.acks ?? [])
    .filter((a) => a.modelVersion === modelVersion && a.stage !== "deployed")
    .map((a) => a.at);
  return [sightedAt, ...taken].sort().at(-1) ?? sightedAt;
}

/** A sighting message read, or what is wrong with it (for the log line of a failed message). */
export function readSighting(body: string): { sighting: DeploymentSighting } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { problem: `body is not valid JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { problem: "body is not a JSON object" };
  const { modelVersion, decisionId, at } = value as Partial<Record<keyof DeploymentSighting, unknown>>;
  if (typeof modelVersion !== "string" || modelVersion === "")
    return { problem: "modelVersion must be non-empty text" };
  if (typeof decisionId !== "string") return { problem: "decisionId must be text" };
  if (typeof at !== "string" || Number.isNaN(Date.parse(at)))
    return { problem: "at must be an ISO date-time" };
  // Its version and decision ids become keys: DynamoDB's limits apply as to any input.
  const checked = checkStorable(
    { modelVersion, decisionId, at },
    { depthOffset: 1, maxBytes: 4_000 },
    "body",
  );
  if (!checked.ok) return { problem: formatErrors(checked.errors).replaceAll("\n", "; ") };
  return { sighting: checked.value };
}

/** A sighting message, or undefined when it is not one. */
export function parseSighting(body: string): DeploymentSighting | undefined {
  const read = readSighting(body);
  return "sighting" in read ? read.sighting : undefined;
}
