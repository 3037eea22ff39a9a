import type { AuditEntry } from "../audit/entry";
import { experimentEntity } from "../audit/entry";
import { notFound } from "../errors";
import type { AuditLog, ExperimentStore } from "../ports";
import type { Experiment } from "./schema";

/** Every saved version of an experiment, oldest first (the store keeps one item per version). */
export interface ExperimentVersions {
  versions(id: string): Promise<Experiment[]>;
}

export interface ExperimentHistoryDeps {
  experiments: Pick<ExperimentStore, "get"> & ExperimentVersions;
  audit: Pick<AuditLog, "list">;
}

/** `GET /v1/experiments/{id}/versions`: each config version and the experiment's audit trail. */
export interface ExperimentHistory {
  experimentId: string;
  currentVersion: number;
  versions: Experiment[];
  /** Creations, changes (who, from which version) and the guardrail's pauses, oldest first. */
  audit: AuditEntry[];
}

export async function experimentHistory(deps: ExperimentHistoryDeps, id: string): Promise<ExperimentHistory> {
  const current = await deps.experiments.get(id);
  if (!current) throw notFound("experiment", id);
  const [versions, audit] = await Promise.all([
    deps.experiments.versions(id),
    deps.audit.list(experimentEntity(id)),
  ]);
  return {
    experimentId: id,
    currentVersion: current.version,
    versions: [...versions].sort((a, b) => a.version - b.version),
    audit: [...audit].sort((a, b) => a.at.localeCompare(b.at)),
  };
}
