import { randomBytes } from "node:crypto";
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { AuditEntry } from "../../core/audit/entry";
import type { AuditLog } from "../../core/ports";

/**
 * Append-only audit trail: pk = entity, sk = "<ISO time>#<random>". Every write is a PutItem that
 * fails if the key exists, and the functions' IAM grants only PutItem here (no update, no delete).
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async append(entries: AuditEntry[]): Promise<void> {
    await Promise.all(
      entries.map((entry, i) =>
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk: entry.entity,
              sk: `${entry.at}#${String(i).padStart(2, "0")}${randomBytes(6).toString("hex")}`,
              ...entry,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        ),
      ),
    );
  }

  async list(entity: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": entity },
          ExclusiveStartKey: start,
        }),
      );
      for (const { pk: _pk, sk: _sk, ...entry } of page.Items ?? [])
        entries.push(entry as unknown as AuditEntry);
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
  }
}
