import { type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { ReviewHistoryReader } from "../../core/ports";
import type { QueueHistoryRecord } from "../../core/review/queue-history";
import { allPages } from "./pages";
import { REVIEW_SK } from "./review-store";

const FIELDS = [
  "reviewId",
  "status",
  "round",
  "deadline",
  "enqueuedAt",
  "claimedAt",
  "createdAt",
  "updatedAt",
  "rounds",
  "verdicts",
  "escalations",
  "breach",
  "outcome",
] as const;

/**
 * The queues' history reads the review items themselves (their rounds, verdicts, escalations), with
 * only the fields it needs. A scan reads the whole table: see docs/review.md for the cost.
 */
export class DynamoReviewHistory implements ReviewHistoryReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async activeBetween(since: string, until: string): Promise<QueueHistoryRecord[]> {
    const names = Object.fromEntries(FIELDS.map((f, i) => [`#f${i}`, f]));
    const ref = (field: (typeof FIELDS)[number]) => `#f${FIELDS.indexOf(field)}`;
    return allPages<QueueHistoryRecord>(
      (start) =>
        this.db.send(
          new ScanCommand({
            TableName: this.table,
            ProjectionExpression: Object.keys(names).join(", "),
            // Still open items count whenever they were last written; closed ones only if they closed after `since`.
            FilterExpression: `#sk = :sk AND ${ref("createdAt")} <= :until AND (${ref("updatedAt")} >= :since OR ${ref("status")} IN (:pending, :claimed, :escalated))`,
            ExpressionAttributeNames: { ...names, "#sk": "sk" },
            ExpressionAttributeValues: {
              ":sk": REVIEW_SK,
              ":since": since,
              ":until": until,
              ":pending": "pending",
              ":claimed": "claimed",
              ":escalated": "escalated",
            },
            ExclusiveStartKey: start,
          }),
        ) as Promise<{ Items?: QueueHistoryRecord[]; LastEvaluatedKey?: Record<string, unknown> }>,
    );
  }
}
