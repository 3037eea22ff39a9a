/** The reviewer API on the page's own origin, called with the pasted bearer token. */

import { apiErrorMessage } from "./logic";
import type { ScorecardAnswer } from "./scorecard";
import type { TeamAnswer } from "./team";
import type { Handoff, QueueStat, Verdict } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The API's `error.code` (e.g. `lease_expired`), when it gave one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface VerdictAnswer {
  reviewId: string;
  status: "recorded" | "waiting-for-second-review";
  verdict: Verdict;
}

export interface ReviewerApi {
  queues(): Promise<QueueStat[]>;
  /** The claimed item's handoff, or the API's message when the queue has nothing to claim. */
  claim(queue: string): Promise<Handoff | { review: null; message: string }>;
  /** A label, and the typed parts the item's feedback schema asks for. */
  verdict(
    reviewId: string,
    body: { label?: string; notes?: string; [part: string]: unknown },
  ): Promise<VerdictAnswer>;
  release(reviewId: string): Promise<void>;
  heartbeat(reviewId: string): Promise<{ leaseUntil: string }>;
  /** The caller's own scorecards, per queue. */
  scorecard(): Promise<ScorecardAnswer>;
  /** Every reviewer's scorecards and each queue's agreement (admins only: 403 otherwise). */
  team(): Promise<TeamAnswer>;
}

type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{
  status: number;
  ok: boolean;
  text(): Promise<string>;
}>;

function codeOf(body: unknown): string | undefined {
  const error = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** `base` is the path the API lives under (`/` on the $default stage). */
export function createApi(base: string, token: () => string | undefined, fetchFn: Fetch): ReviewerApi {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const bearer = token();
    if (!bearer) throw new ApiError(401, "sign in first: paste a bearer token");
    let answer: Awaited<ReturnType<Fetch>>;
    try {
      answer = await fetchFn(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError(0, `the API could not be reached (${(error as Error).message})`);
    }
    const text = await answer.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!answer.ok) throw new ApiError(answer.status, apiErrorMessage(answer.status, parsed), codeOf(parsed));
    return parsed as T;
  }
  const review = (id: string, action: string) => `v1/reviews/${encodeURIComponent(id)}/${action}`;
  return {
    queues: async () => (await request<{ queues: QueueStat[] }>("GET", "v1/queues")).queues,
    claim: (queue) => request("POST", `v1/queues/${encodeURIComponent(queue)}/claim`),
    verdict: (id, body) => request("POST", review(id, "verdict"), body),
    release: async (id) => {
      await request("POST", review(id, "release"));
    },
    heartbeat: (id) => request("POST", review(id, "heartbeat")),
    scorecard: () => request("GET", "v1/reviewers/me"),
    team: () => request("GET", "v1/reviewers"),
  };
}
