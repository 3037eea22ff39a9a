import { logger } from "../../adapters/observability";

/** The ids that follow a decision through routing, review and feedback: every log line of an invocation carries them. */
export interface CorrelationKeys {
  decisionId?: string;
  reviewId?: string;
  experimentId?: string;
}

const KEYS = ["decisionId", "reviewId", "experimentId"] as const;
/** Which id a route's `{id}` is, by the collection before it (e.g. `/v1/reviews/{id}/verdict`). */
const PATH_KEYS: Readonly<Record<string, keyof CorrelationKeys>> = {
  decisions: "decisionId",
  reviews: "reviewId",
  experiments: "experimentId",
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function pick(value: Record<string, unknown>, into: CorrelationKeys): void {
  for (const key of KEYS) {
    const id = value[key];
    if (into[key] === undefined && typeof id === "string" && id !== "") into[key] = id;
  }
}

/**
 * The ids found at the top of `value` or one level down (a router task's `request`, a review step's
 * `state`, an intake message's `hold`). Cheap: no deeper search, no parsing.
 */
export function correlationKeys(value: unknown): CorrelationKeys {
  const keys: CorrelationKeys = {};
  if (!isObject(value)) return keys;
  pick(value, keys);
  for (const nested of Object.values(value)) if (isObject(nested)) pick(nested, keys);
  return keys;
}

/** The id a route's path names, e.g. `POST /v1/decisions/{id}/withdraw` → decisionId. */
export function pathKeys(routeKey: string, params: Readonly<Record<string, string>>): CorrelationKeys {
  const id = params.id;
  if (id === undefined) return {};
  const segments = routeKey.split(" ")[1]?.split("/") ?? [];
  const key = PATH_KEYS[segments[segments.indexOf("{id}") - 1] ?? ""];
  return key ? { [key]: id } : {};
}

/** Adds the keys to the invocation's log lines (the edge stack removes them when it ends). */
export function correlate(keys: CorrelationKeys): void {
  if (keys.decisionId ?? keys.reviewId ?? keys.experimentId) logger.appendKeys({ ...keys });
}
