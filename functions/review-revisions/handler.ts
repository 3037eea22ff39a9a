import { reviewOfImage, type StreamImage } from "../../adapters/dynamodb/review-image";
import { addedRevisions, applyRevision, type RevisionDeps } from "../../core/reviewers/revision-apply";
import { deps } from "../shared/deps";
import { edge } from "../shared/edge";

/** The part of a Lambda DynamoDB stream record this reads. */
interface RevisionStreamEvent {
  Records: {
    eventName?: string;
    dynamodb?: { NewImage?: StreamImage; OldImage?: StreamImage };
  }[];
}

let revisionDeps: RevisionDeps | undefined;

/**
 * Applies each outcome revision a review item write added (core/reviewers/revision-apply.ts). A throw
 * fails the batch and Lambda retries it (every step is safe to repeat); records in order per item.
 */
export async function applyBatch(event: RevisionStreamEvent, apply: RevisionDeps): Promise<number> {
  let applied = 0;
  for (const record of event.Records ?? []) {
    if (record.eventName === "REMOVE") continue;
    const after = reviewOfImage(record.dynamodb?.NewImage);
    if (!after) continue;
    for (const revision of addedRevisions(reviewOfImage(record.dynamodb?.OldImage), after)) {
      await applyRevision(apply, after, revision);
      applied++;
    }
  }
  return applied;
}

export const handler = edge(async (event: RevisionStreamEvent): Promise<void> => {
  revisionDeps ??= {
    decisions: deps.decisions(),
    feedback: deps.feedback(),
    notify: deps.notifier(),
    audit: deps.audit(),
  };
  await applyBatch(event, revisionDeps);
});
