import type { ApiErrorCode } from "../core/api/errors";

/** Statuses worth another attempt whatever the operation: the request was refused before it ran. */
const THROTTLED = 429;

/**
 * The API answered with an error. `code` is one of the API's error codes (`validation_failed`,
 * `decision_id_reused`, ...) or, for API Gateway's own answers (401, 429, 503 ...), `gateway`;
 * `apiMessage` is the API's message, which names the field and the problem.
 */
export class HitlApiError extends Error {
  readonly code: ApiErrorCode | "gateway" | "unknown";
  readonly apiMessage: string;
  readonly details: readonly { path: string; message: string }[];

  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: unknown,
    /** The `x-request-id` of a 500, which finds the failure in the function's logs. */
    readonly requestId?: string,
    /** The wait a 429 or 503 asked for in its `Retry-After` header, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    const parsed = describe(body);
    super(`${operation}: HTTP ${status} ${parsed.code}: ${parsed.message}`);
    this.name = "HitlApiError";
    this.code = parsed.code;
    this.apiMessage = parsed.message;
    this.details = parsed.details;
  }

  /** Throttled or a server-side failure: another attempt may succeed. */
  get transient(): boolean {
    return this.status === THROTTLED || this.status >= 500;
  }
}

/** No answer at all: the connection failed or the attempt timed out. */
export class HitlNetworkError extends Error {
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(`${operation}: no answer (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = "HitlNetworkError";
  }
}

function describe(body: unknown): {
  code: HitlApiError["code"];
  message: string;
  details: { path: string; message: string }[];
} {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (error && typeof error.code === "string")
    return {
      code: error.code as ApiErrorCode,
      message: typeof error.message === "string" ? error.message : "",
      details: Array.isArray(error.details) ? (error.details as { path: string; message: string }[]) : [],
    };
  const gateway = (body as { message?: unknown } | undefined)?.message;
  if (typeof gateway === "string") return { code: "gateway", message: gateway, details: [] };
  return {
    code: "unknown",
    message: typeof body === "string" ? body.slice(0, 200) : JSON.stringify(body),
    details: [],
  };
}
