import { type DevConfig, readDevConfig } from "./dev-config";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const message =
      (body as { error?: { message?: string } })?.error?.message ??
      (body as { message?: string })?.message ??
      JSON.stringify(body);
    super(`HTTP ${status}: ${message}`);
    this.name = "ApiError";
  }
}

type Role = keyof DevConfig["tokens"];

/**
 * A tiny client of the hitl-lab HTTP API. Locally it takes the URL and the role's token from
 * .hitl/dev.json; against AWS set HITL_API_URL and HITL_TOKEN.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static forRole(role: Role, config?: DevConfig): ApiClient {
    if (process.env.HITL_API_URL && process.env.HITL_TOKEN)
      return new ApiClient(process.env.HITL_API_URL, process.env.HITL_TOKEN);
    const dev = config ?? readDevConfig();
    return new ApiClient(dev.apiUrl, dev.tokens[role]);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed as T;
  }

  get = <T>(path: string) => this.request<T>("GET", path);
  post = <T>(path: string, body?: unknown) => this.request<T>("POST", path, body);
  put = <T>(path: string, body?: unknown) => this.request<T>("PUT", path, body);
}
