import { randomBytes } from "node:crypto";
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { AuditEntry } from "../../core/audit/entry";
import type { AuditLog } from "../../core/ports";
import { allPages } from "./pages";

/**
 * Append-only audit trail: pk = entity, sk = "<ISO time>#<random>". Every write is a PutItem that
 * fails if the key exists, and the functions' IAM grants only PutItem here (no update, no delete).
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Entries of one entity written together (a decision's "created" and "routed") share one item:
   * one write instead of several, still append-only.
   */
  async append(entries: AuditEntry[]): Promise<void> {
    const byEntity = Map.groupBy(entries, (entry) => entry.entity);
    await Promise.all(
      [...byEntity.values()].map(([first, ...rest]) =>
        first
          ? this.db.send(
              new PutCommand({
                TableName: this.table,
                Item: {
                  pk: first.entity,
                  sk: `${first.at}#${randomBytes(6).toString("hex")}`,
                  ...first,
                  ...(rest.length > 0 ? { more: rest } : {}),
                },
                ConditionExpression: "attribute_not_exists(pk)",
              }),
            )
          : undefined,
      ),
    );
  }

  async list(entity: string): Promise<AuditEntry[]> {
    const items = await allPages((start) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": entity },
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.flatMap(({ pk: _pk, sk: _sk, more, ...entry }) => [
      entry as unknown as AuditEntry,
      ...((more as AuditEntry[] | undefined) ?? []),
    ]);
  }
}
