/** The documented HTTP API on the page's own origin, called with the signed-in user's token. */
import { apiErrorMessage } from "../../console/src/logic";
import type { ExperimentHistory } from "../../core/experiments/history";
import type { Experiment } from "../../core/experiments/schema";
import type { ExperimentReport } from "../../core/report/types";

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
}

/** `base` is the path the API lives under (`/` on the $default stage). */
export function createApi(base: string, token: () => string | undefined): Api {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
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
    return parsed as T;
  }
  const id = (value: string) => encodeURIComponent(value);
  return {
    experiments: async () =>
      (await request<{ experiments: Experiment[] }>("GET", "v1/experiments")).experiments,
    experiment: (value) => request("GET", `v1/experiments/${id(value)}`),
    report: (value) => request("GET", `v1/experiments/${id(value)}/report`),
    history: (value) => request("GET", `v1/experiments/${id(value)}/versions`),
  };
}
