import { DomainError, notFound } from "../errors";
import type { AuditLog, ExperimentStore } from "../ports";
import { queueConfig, type ReviewerDeskDeps } from "./desk";
import { formatGoldErrors, parseGoldLines } from "./gold";
import type { GoldStore } from "./ports";

export interface GoldUploadDeps extends Pick<ReviewerDeskDeps, "listExperiments" | "newId"> {
  experiments: Pick<ExperimentStore, "get">;
  gold: GoldStore;
  audit: Pick<AuditLog, "append">;
  now: () => Date;
}

export interface GoldUploadResult {
  queue: string;
  experimentId: string;
  added: number;
  /** Gold items of the queue after the upload. */
  pool: number;
  /** With `dryRun`: the items that would be added (nothing is stored). */
  checked?: number;
}

/**
 * Adds an admin's JSON Lines upload to a queue's gold pool, all or nothing: every bad line is a
 * 400 naming its line, field and problem, and nothing is stored. The labels are checked against
 * the experiment given, or the one whose `queues` names the queue.
 *
 * @throws DomainError 400 `validation_failed` (bad lines), 400 `experiment_required`, 404 unknown experiment
 */
export async function addGold(
  deps: GoldUploadDeps,
  queue: string,
  text: string,
  options: { experimentId?: string; actor: string; dryRun?: boolean },
): Promise<GoldUploadResult> {
  const experiment = options.experimentId
    ? await deps.experiments.get(options.experimentId)
    : (await queueConfig(deps, queue))?.experiment;
  if (!experiment) {
    if (options.experimentId) throw notFound("experiment", options.experimentId);
    throw new DomainError(
      400,
      "experiment_required",
      `experimentId: no experiment names queue "${queue}" under "queues"; add the queue's gold settings to the experiment, or pass ?experimentId= to check the labels against`,
    );
  }
  const parsed = parseGoldLines(text, { queue, labels: experiment.labels });
  if (!parsed.ok) {
    throw new DomainError(
      400,
      "validation_failed",
      `gold upload is invalid (nothing was stored):\n${formatGoldErrors(parsed.errors)}`,
      parsed.errors.map((e) => ({
        path: [e.line > 0 ? `line ${e.line}` : "upload", e.path].filter(Boolean).join(": "),
        message: e.message,
      })),
    );
  }
  if (options.dryRun) {
    const pool = (await deps.gold.pool(queue)).ids.length;
    return { queue, experimentId: experiment.id, added: 0, pool, checked: parsed.items.length };
  }
  const at = deps.now().toISOString();
  await deps.gold.add(experiment.id, queue, parsed.items, at, deps.newId());
  const pool = (await deps.gold.pool(queue)).ids.length;
  await deps.audit.append([
    {
      entity: `gold#${queue}`,
      at,
      actor: options.actor,
      action: "gold-added",
      detail: { queue, experimentId: experiment.id, added: parsed.items.length, pool },
    },
  ]);
  return { queue, experimentId: experiment.id, added: parsed.items.length, pool };
}
