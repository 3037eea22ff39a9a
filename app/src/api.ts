/** The documented HTTP API on the page's own origin, called with the signed-in user's token. */
import { apiErrorMessage } from "../../console/src/logic";
import type { QueueStat } from "../../console/src/types";
import type { ExperimentHistory } from "../../core/experiments/history";
import type { Experiment } from "../../core/experiments/schema";
import type { FeedbackRecord } from "../../core/feedback/record";
import type { ExperimentReport } from "../../core/report/types";
import type { QueueHistory } from "../../core/review/queue-history";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The API's `error.details` (field paths and messages) when it gave them. */
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Api {
  experiments(): Promise<Experiment[]>;
  experiment(id: string): Promise<Experiment>;
  report(id: string): Promise<ExperimentReport>;
  history(id: string): Promise<ExperimentHistory>;
  queues(): Promise<QueueStat[]>;
  /** `GET /v1/queues/history` over a window (`since`, `until` as ISO times; `queue` and its tiers). */
  queueHistory(query: { since?: string; until?: string; queue?: string }): Promise<QueueHistory>;
  createExperiment(config: unknown): Promise<Experiment>;
  saveExperiment(id: string, config: unknown): Promise<Experiment>;
  /** One page of the corrections export (JSON Lines) and the cursor of the next, if any. */
  feedbackPage(cursor?: string): Promise<{ records: FeedbackRecord[]; next?: string }>;
}

/** `base` is the path the API lives under (`/` on the $default stage). */
export function createApi(base: string, token: () => string | undefined): Api {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { text } = await send(method, path, body);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  async function send(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ text: string; headers: Headers }> {
    const bearer = token();
    if (!bearer) throw new ApiError(401, "sign in first");
    let answer: Response;
    try {
      answer = await fetch(`${base}${path}`, {
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
    if (!answer.ok) {
      const details = (parsed as { error?: { details?: unknown } } | undefined)?.error?.details;
      throw new ApiError(
        answer.status,
        apiErrorMessage(answer.status, parsed),
        Array.isArray(details) ? details : [],
      );
    }
    return { text, headers: answer.headers };
  }
  const id = (value: string) => encodeURIComponent(value);
  return {
    experiments: async () =>
      (await request<{ experiments: Experiment[] }>("GET", "v1/experiments")).experiments,
    experiment: (value) => request("GET", `v1/experiments/${id(value)}`),
    report: (value) => request("GET", `v1/experiments/${id(value)}/report`),
    history: (value) => request("GET", `v1/experiments/${id(value)}/versions`),
    createExperiment: (config) => request("POST", "v1/experiments", config),
    saveExperiment: (value, config) => request("PUT", `v1/experiments/${id(value)}`, config),
    queues: async () => (await request<{ queues: QueueStat[] }>("GET", "v1/queues")).queues,
    queueHistory: (query) => request("GET", `v1/queues/history?${new URLSearchParams(query)}`),
    feedbackPage: async (cursor) => {
      const query = new URLSearchParams({ limit: "1000", ...(cursor ? { cursor } : {}) });
      const { text, headers } = await send("GET", `v1/feedback?${query}`);
      const records = text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as FeedbackRecord);
      const next = headers.get("x-next-cursor") ?? undefined;
      return next ? { records, next } : { records };
    },
  };
}
