import { experimentEntity } from "../audit/entry";
import { DomainError, notFound, validationFailed } from "../errors";
import type { AuditLog, ExperimentStore } from "../ports";
import { BUDGETS, checkStorable } from "../storage/dynamodb-limits";
import type { Experiment } from "./schema";
import { applyChange, newExperiment, parseExperiment } from "./validate";

export interface ManageExperimentsDeps {
  experiments: ExperimentStore;
  audit: Pick<AuditLog, "append">;
  now: () => Date;
}

/** The experiment as a user wrote it, checked by its schema, its cross-field rules and DynamoDB's limits. */
function parseStoredExperiment(body: unknown) {
  const parsed = parseExperiment(body);
  if (!parsed.ok) throw validationFailed("experiment", parsed.errors);
  const storable = checkStorable(parsed.value, BUDGETS.experiment, "experiment");
  if (!storable.ok) throw validationFailed("experiment", storable.errors);
  return storable.value;
}

export async function createExperiment(
  deps: ManageExperimentsDeps,
  body: unknown,
  actor: string,
): Promise<Experiment> {
  const experiment = newExperiment(parseStoredExperiment(body), deps.now().toISOString());
  await deps.experiments.save(experiment);
  await deps.audit.append([
    {
      entity: experimentEntity(experiment.id),
      at: experiment.createdAt,
      actor,
      action: "experiment-created",
      detail: { version: 1 },
    },
  ]);
  return experiment;
}

/** A change is a whole new config (PUT semantics); it becomes the next version. */
export async function changeExperiment(
  deps: ManageExperimentsDeps,
  id: string,
  body: unknown,
  actor: string,
): Promise<Experiment> {
  const existing = await deps.experiments.get(id);
  if (!existing) throw notFound("experiment", id);
  const candidate = body !== null && typeof body === "object" && !("id" in body) ? { ...body, id } : body;
  const parsed = parseStoredExperiment(candidate);
  if (parsed.id !== id) {
    throw new DomainError(400, "id_mismatch", `body id "${parsed.id}" does not match the path id "${id}"`);
  }
  const changed = applyChange(existing, parsed, deps.now().toISOString());
  await deps.experiments.save(changed);
  await deps.audit.append([
    {
      entity: experimentEntity(id),
      at: changed.updatedAt,
      actor,
      action: "experiment-changed",
      detail: { from: existing.version, to: changed.version, status: changed.status },
    },
  ]);
  return changed;
}

export async function getExperiment(
  deps: Pick<ManageExperimentsDeps, "experiments">,
  id: string,
): Promise<Experiment> {
  const experiment = await deps.experiments.get(id);
  if (!experiment) throw notFound("experiment", id);
  return experiment;
}
