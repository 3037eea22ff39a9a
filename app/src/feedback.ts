/** The ML page's numbers from the corrections export: produced, acknowledged, closure and its time. Pure. */
import type { FeedbackRecord, FeedbackStage } from "../../core/feedback/record";

export const STAGES: readonly FeedbackStage[] = ["training", "evaluation", "deployed"];

export interface StageClosure {
  acknowledged: number;
  /** acknowledged / produced; null with nothing produced. */
  rate: number | null;
  /** Mean hours from the correction to its acknowledgement at this stage. */
  meanHoursToClose: number | null;
}

export interface ClosureRow {
  /** A producing model version, or a UTC day of production. */
  key: string;
  produced: number;
  stages: Record<FeedbackStage, StageClosure>;
}

function closure(records: readonly FeedbackRecord[], key: string): ClosureRow {
  const stages = Object.fromEntries(
    STAGES.map((stage) => {
      const hours = records.flatMap((r) => {
        const ack = r.acks?.find((a) => a.stage === stage);
        return ack ? [(Date.parse(ack.at) - Date.parse(r.producedAt)) / 3_600_000] : [];
      });
      return [
        stage,
        {
          acknowledged: hours.length,
          rate: records.length > 0 ? hours.length / records.length : null,
          meanHoursToClose: hours.length > 0 ? hours.reduce((s, h) => s + h, 0) / hours.length : null,
        },
      ];
    }),
  ) as Record<FeedbackStage, StageClosure>;
  return { key, produced: records.length, stages };
}

function grouped(records: readonly FeedbackRecord[], keyOf: (r: FeedbackRecord) => string): ClosureRow[] {
  const groups = Map.groupBy(records, keyOf);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => closure(list, key));
}

/** By the model version that made the corrected prediction. */
export const byModelVersion = (records: readonly FeedbackRecord[]) =>
  grouped(records, (r) => r.prediction.modelVersion ?? "(none)");

/** By the UTC day the corrections were produced: closure over time. */
export const byDay = (records: readonly FeedbackRecord[]) =>
  grouped(records, (r) => r.producedAt.slice(0, 10));

/** Which model versions acknowledged how many corrections, per stage. */
export function acknowledgingVersions(
  records: readonly FeedbackRecord[],
): { stage: FeedbackStage; modelVersion: string; corrections: number }[] {
  const counts = new Map<string, number>();
  for (const r of records)
    for (const a of r.acks ?? [])
      counts.set(
        `${a.stage}\u0000${a.modelVersion}`,
        (counts.get(`${a.stage}\u0000${a.modelVersion}`) ?? 0) + 1,
      );
  return [...counts.entries()]
    .map(([key, corrections]) => {
      const [stage = "", modelVersion = ""] = key.split("\u0000");
      return { stage: stage as FeedbackStage, modelVersion, corrections };
    })
    .sort(
      (a, b) =>
        STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || a.modelVersion.localeCompare(b.modelVersion),
    );
}

/** The export as `hitl feedback export` writes it: one record per line, a final newline. */
export const toJsonLines = (records: readonly FeedbackRecord[]) =>
  records.map((r) => `${JSON.stringify(r)}\n`).join("");
