import { API_ROUTES, type ApiRoute } from "../core/api/routes";
import { type Backoff, withRetries } from "../core/util/retry";
import { HitlApiError, HitlNetworkError } from "./errors";
import { retryAfterMs } from "./retry-after";

export interface RetryOptions {
  /** Attempts in all, the first included (default 4; 1 turns retries off). */
  maxAttempts?: number;
  /** Full-jitter backoff: attempt n waits a uniform time below min(capMs, baseMs · 2^n). Defaults 100 and 2,000 ms. */
  baseMs?: number;
  capMs?: number;
  /** The longest wait a 429's or 503's `Retry-After` may ask for; a longer one waits this long (default 20,000 ms). */
  maxRetryAfterMs?: number;
}

export interface HitlClientOptions {
  /** The API's URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com` or `http://127.0.0.1:3000`. */
  baseUrl: string | URL;
  /** A bearer JWT with the role's scope, or a function returning a fresh one (called per attempt). */
  token: string | (() => string | Promise<string>);
  retry?: RetryOptions;
  /** Each attempt's time limit (default 30 s); a timed-out attempt counts as a failed connection. */
  timeoutMs?: number;
  /** Called before every attempt (e.g. to count HTTP requests). */
  onAttempt?: (attempt: { operationId: string; attempt: number }) => void;
  /** Another fetch (tests, proxies); default the global one. */
  fetch?: typeof fetch;
  /** For tests of the backoff: the random source and the pause. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Answer<T> {
  body: T;
  status: number;
  headers: Headers;
}

export interface Call {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** A body sent as is instead of as JSON (e.g. JSON Lines), with its media type. */
  raw?: { text: string; contentType: string };
  /** Take the body as text (e.g. JSON Lines) instead of parsing JSON. */
  text?: boolean;
}

const routesById = new Map(API_ROUTES.map((route) => [route.operationId, route]));

function routeOf(operationId: string): ApiRoute {
  const route = routesById.get(operationId);
  if (!route) throw new Error(`the API has no operation ${operationId}`);
  return route;
}

function urlOf(base: string | URL, route: ApiRoute, call: Call): URL {
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = call.params?.[name];
    if (value === undefined) throw new Error(`${route.operationId} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const url = new URL(path.replace(/^\//, ""), String(base).endsWith("/") ? base : `${base}/`);
  for (const [name, value] of Object.entries(call.query ?? {}))
    if (value !== undefined) url.searchParams.set(name, String(value));
  return url;
}

/**
 * What may be sent again: a throttled request (429: API Gateway refused it before anything ran)
 * always; a 5xx or a lost connection only when the operation is idempotent (a decision carries
 * its `decisionId`, a verdict or ground truth answers a repeat with the first result).
 */
const retryableFor = (route: ApiRoute) => (error: unknown) =>
  error instanceof HitlApiError
    ? error.status === 429 || (route.idempotent && error.status >= 500)
    : error instanceof HitlNetworkError && route.idempotent;

/** The HTTP side of the client: one operation of the contract, with retries. */
export class Transport {
  private readonly backoff: Backoff;

  constructor(private readonly options: HitlClientOptions) {
    this.backoff = {
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseMs: options.retry?.baseMs ?? 100,
      capMs: options.retry?.capMs ?? 2000,
      ...(options.random ? { random: options.random } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      waitFor: (error) =>
        error instanceof HitlApiError && error.retryAfterMs !== undefined
          ? Math.min(error.retryAfterMs, options.retry?.maxRetryAfterMs ?? 20_000)
          : undefined,
    };
  }

  async call<T>(operationId: string, call: Call = {}): Promise<Answer<T>> {
    const route = routeOf(operationId);
    const url = urlOf(this.options.baseUrl, route, call);
    return withRetries(
      (attempt) => this.attempt<T>(route, url, call, attempt),
      retryableFor(route),
      this.backoff,
    );
  }

  private async attempt<T>(route: ApiRoute, url: URL, call: Call, attempt: number): Promise<Answer<T>> {
    this.options.onAttempt?.({ operationId: route.operationId, attempt });
    const token = typeof this.options.token === "function" ? await this.options.token() : this.options.token;
    const payload = call.raw
      ? { type: call.raw.contentType, text: call.raw.text }
      : call.body === undefined
        ? undefined
        : { type: "application/json", text: JSON.stringify(call.body) };
    let response: Response;
    let text: string;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: route.method.toUpperCase(),
        headers: {
          ...(route.roles === "public" ? {} : { authorization: `Bearer ${token}` }),
          ...(payload ? { "content-type": payload.type } : {}),
        },
        ...(payload ? { body: payload.text } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      text = await response.text();
    } catch (error) {
      throw new HitlNetworkError(route.operationId, error);
    }
    if (!response.ok)
      throw new HitlApiError(
        route.operationId,
        response.status,
        parse(text),
        response.headers.get("x-request-id") ?? undefined,
        // Throttled or unavailable: the server may say when to come back.
        response.status === 429 || response.status === 503
          ? retryAfterMs(response.headers.get("retry-after"))
          : undefined,
      );
    const body = (call.text ? text : text ? JSON.parse(text) : undefined) as T;
    return { body, status: response.status, headers: response.headers };
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
