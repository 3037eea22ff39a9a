import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { DecisionWithGroundTruth } from "../../core/feedback/ports";
import { REVIEWERS_SCOPE } from "../../core/metrics/events";
import type { RebuildInput } from "../../core/metrics/rebuild";
import { SK as DECISION_SK, fromItem as decisionFromItem } from "./decision-store";
import { FEED_PARTITION, feedbackFromItem } from "./feedback-store";
import { allPages, batchGetAll } from "./pages";
import { fromReviewItem, REVIEW_SK } from "./review-store";

/** Table names the rebuild reads records from. */
export interface RecordTables {
  decisions: string;
  reviews: string;
}

/** Every counted record of one experiment: its decisions, their review items, its feedback records. */
export async function loadRebuildInput(
  db: DynamoDBDocumentClient,
  tables: RecordTables,
  experimentId: string,
): Promise<RebuildInput> {
  // A rebuild is a rare operator action: scanning (4 parallel segments) costs about $0.02 per GB read,
  // where an index per experiment would add a write to every routed decision.
  const segments = 4;
  const scanned = await Promise.all(
    Array.from({ length: segments }, (_, segment) =>
      allPages((start) =>
        db.send(
          new ScanCommand({
            TableName: tables.decisions,
            Segment: segment,
            TotalSegments: segments,
            FilterExpression: "experimentId = :e AND sk = :decision",
            ExpressionAttributeValues: { ":e": experimentId, ":decision": DECISION_SK },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      ),
    ),
  );
  const decisions = scanned
    .flat()
    .map((item) => decisionFromItem(item) as DecisionWithGroundTruth)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.decisionId.localeCompare(b.decisionId));
  const feedback = (
    await allPages((start) =>
      db.send(
        new QueryCommand({
          TableName: tables.decisions,
          IndexName: "feed",
          KeyConditionExpression: "feedPartition = :p",
          FilterExpression: "experimentId = :e",
          ExpressionAttributeValues: { ":p": FEED_PARTITION, ":e": experimentId },
          ExclusiveStartKey: start,
        }),
      ),
    )
  ).map(feedbackFromItem);
  const reviewIds = [...new Set(decisions.flatMap((d) => (d.reviewId ? [d.reviewId] : [])))];
  const reviews = (
    await batchGetAll(
      db,
      tables.reviews,
      reviewIds.map((id) => ({ pk: id, sk: REVIEW_SK })),
      { consistentRead: true },
    )
  ).map(fromReviewItem);
  return { decisions, reviews, feedback };
}

/**
 * Every review item, for rebuilding the reviewer rows (`hitl metrics rebuild --experiment
 * @reviewers`): gold items belong to no experiment's decisions, so the table is scanned.
 */
export async function loadReviewerRebuildInput(
  db: DynamoDBDocumentClient,
  tables: RecordTables,
): Promise<RebuildInput> {
  const segments = 4;
  const scanned = await Promise.all(
    Array.from({ length: segments }, (_, segment) =>
      allPages((start) =>
        db.send(
          new ScanCommand({
            TableName: tables.reviews,
            Segment: segment,
            TotalSegments: segments,
            FilterExpression: "sk = :review",
            ExpressionAttributeValues: { ":review": REVIEW_SK },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      ),
    ),
  );
  const reviews = scanned
    .flat()
    .map(fromReviewItem)
    .sort((a, b) => a.reviewId.localeCompare(b.reviewId));
  return { decisions: [], reviews, feedback: [], scope: REVIEWERS_SCOPE };
}
