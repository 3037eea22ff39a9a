import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** One page of a Query or Scan. */
interface Page<T> {
  Items?: T[];
  LastEvaluatedKey?: Record<string, unknown>;
}

/** Every item of a paginated Query or Scan: `fetch` gets the key to start from (undefined first). */
export async function allPages<T = Record<string, unknown>>(
  fetch: (start: Record<string, unknown> | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await fetch(start);
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** `SET a = :a, ... REMOVE b, ...` with placeholder names, from a change set and a list of fields to drop. */
export function updateExpression(
  changes: Record<string, unknown>,
  remove: readonly string[] = [],
): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
  const removes = remove.map((field, i) => {
    names[`#r${i}`] = field;
    return `#r${i}`;
  });
  const expression = [
    sets.length ? `SET ${sets.join(", ")}` : "",
    removes.length ? `REMOVE ${removes.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return { expression, names, values };
}

/** BatchGetItem takes at most 100 keys a call. */
const BATCH_GET_LIMIT = 100;

/**
 * The items of `keys` in one table (missing ones are simply absent), through BatchGetItem 100 keys a
 * call, asking again for the keys DynamoDB left unprocessed (after `pause`, when given).
 */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: { consistentRead?: boolean; pause?: () => Promise<void> } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    type Request = Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }>;
    let request: Request | undefined = {
      [table]: {
        Keys: keys.slice(i, i + BATCH_GET_LIMIT),
        ...(options.consistentRead ? { ConsistentRead: true } : {}),
      },
    };
    while (request && Object.keys(request).length > 0) {
      const page = await db.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(page.Responses?.[table] ?? []));
      request = page.UnprocessedKeys as Request | undefined;
      if (request && Object.keys(request).length > 0) await options.pause?.();
    }
  }
  return items;
}
