/** The benchmark's HTTP client: counts every request it makes (each is one API Gateway request). */

export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} → HTTP ${status}: ${body.slice(0, 200)}`);
    this.name = "HttpFailure";
  }
}

export class BenchHttp {
  requests = 0;

  constructor(private readonly baseUrl: string) {}

  async call<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    this.requests += 1;
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new HttpFailure(response.status, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
