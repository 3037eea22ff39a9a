import { z } from "zod";
import { validationFailed } from "../errors";
import { parseWithSchema } from "../experiments/validate";
import type { ReviewHistoryReader } from "../ports";
import { canSee, type Reviewer } from "./entitlement";
import { matchesQueue, type QueueHistory, queueHistory } from "./queue-history";

const DAY_MS = 86_400_000;
/** The longest window one request reads (hourly points: 744 per queue and tier). */
export const MAX_HISTORY_DAYS = 31;

const instant = z.iso
  .datetime({ offset: true })
  .meta({ description: "an ISO 8601 time, e.g. 2026-12-04T09:00:00Z" });

/** `GET /v1/queues/history`: `?queue=` (a queue and its tiers), `since` (default: a day before `until`), `until` (default: now). */
export const QueueHistoryQuerySchema = z.strictObject({
  queue: z.string().min(1).max(200).optional(),
  since: instant.optional(),
  until: instant.optional(),
});

export interface QueueHistoryWindow {
  queue?: string;
  sinceMs: number;
  untilMs: number;
}

/** The window a query asks for, or a 400 naming the field; `until` in the future reads up to now. */
export function historyWindow(query: Readonly<Record<string, string>>, nowMs: number): QueueHistoryWindow {
  const parsed = parseWithSchema(QueueHistoryQuerySchema, query, "query");
  if (!parsed.ok) throw validationFailed("queue history query", parsed.errors);
  const { queue, since, until } = parsed.value;
  const untilMs = Math.min(until === undefined ? nowMs : Date.parse(until), nowMs);
  const sinceMs = since === undefined ? untilMs - DAY_MS : Date.parse(since);
  if (sinceMs >= untilMs)
    throw validationFailed("queue history query", [
      { path: "since", message: `must be before until (${new Date(untilMs).toISOString()}, at most now)` },
    ]);
  if (untilMs - sinceMs > MAX_HISTORY_DAYS * DAY_MS)
    throw validationFailed("queue history query", [
      { path: "since", message: `the window may span at most ${MAX_HISTORY_DAYS} days` },
    ]);
  return { ...(queue === undefined ? {} : { queue }), sinceMs, untilMs };
}

/** The queues' history over a window, for the queues the reviewer may see. */
export async function readQueueHistory(
  deps: { history: ReviewHistoryReader; now: () => Date },
  reviewer: Reviewer,
  query: Readonly<Record<string, string>>,
): Promise<QueueHistory> {
  const window = historyWindow(query, deps.now().getTime());
  const items = await deps.history.activeBetween(
    new Date(window.sinceMs).toISOString(),
    new Date(window.untilMs).toISOString(),
  );
  const asked = matchesQueue(window.queue);
  return queueHistory(items, window, (queue) => asked(queue) && canSee(reviewer, queue));
}
