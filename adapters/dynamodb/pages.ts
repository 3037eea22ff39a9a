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
