import type { Experiment } from "../experiments/schema";
import { experimentQueues } from "../review/queues";
import { queueConfig } from "./desk";

/**
 * The labels a queue's reviewers choose from and whether they are ordered: the experiment with the
 * queue's settings, else the first (by id) whose items wait there; undefined for a queue none uses.
 */
export async function queueScale(
  deps: { listExperiments: () => Promise<Experiment[]> },
  queue: string,
): Promise<{ labels: string[]; ordered: boolean } | undefined> {
  const experiment =
    (await queueConfig(deps, queue))?.experiment ??
    (await deps.listExperiments())
      .filter((e) => experimentQueues(e.arms).includes(queue))
      .sort((a, b) => a.id.localeCompare(b.id))[0];
  return experiment ? { labels: experiment.labels, ordered: experiment.orderedLabels } : undefined;
}
