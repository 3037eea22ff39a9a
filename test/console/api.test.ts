import { describe, expect, it } from "vitest";
import { ApiError, createApi } from "../../console/src/api";

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A fetch that records requests and answers with a fixed status and body. */
function fakeFetch(status: number, body: string) {
  const sent: Sent[] = [];
  const fetchFn = async (
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ) => {
    sent.push({ url, ...init });
    return { status, ok: status >= 200 && status < 300, text: async () => body };
  };
  return { sent, fetchFn };
}

describe("the console's API client", () => {
  it("sends the pasted token as a bearer token and the verdict as JSON, next to the console's path", async () => {
    // Arrange
    const { sent, fetchFn } = fakeFetch(200, JSON.stringify({ reviewId: "rv-1", status: "recorded" }));
    const api = createApi("/prod/", () => "tok-123", fetchFn);

    // Act
    const answer = await api.verdict("rv-1", { label: "deny", notes: "missing signature" });

    // Assert
    expect(answer).toMatchObject({ reviewId: "rv-1", status: "recorded" });
    expect(sent).toEqual([
      {
        url: "/prod/v1/reviews/rv-1/verdict",
        method: "POST",
        headers: { authorization: "Bearer tok-123", "content-type": "application/json" },
        body: '{"label":"deny","notes":"missing signature"}',
      },
    ]);
  });

  it("encodes queue names in the claim path", async () => {
    // Arrange
    const { sent, fetchFn } = fakeFetch(200, JSON.stringify({ review: null, message: "empty" }));
    const api = createApi("/", () => "tok", fetchFn);

    // Act
    await api.claim("a b/c");

    // Assert
    expect(sent[0]).toMatchObject({ url: "/v1/queues/a%20b%2Fc/claim", method: "POST" });
  });

  it("turns an API error into an ApiError carrying the API's message and code", async () => {
    // Arrange
    const { fetchFn } = fakeFetch(
      409,
      JSON.stringify({ error: { code: "lease_expired", message: "your lease on review rv-1 expired" } }),
    );
    const api = createApi("/", () => "tok", fetchFn);

    // Act
    const failure = await api.heartbeat("rv-1").catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 409,
      code: "lease_expired",
      message: "your lease on review rv-1 expired",
    });
  });

  it("reports an unreachable API as status 0 with the network's reason", async () => {
    // Arrange
    const api = createApi(
      "/",
      () => "tok",
      async () => {
        throw new TypeError("Failed to fetch");
      },
    );

    // Act
    const failure = await api.queues().catch((error: unknown) => error);

    // Assert
    expect(failure).toMatchObject({ status: 0, message: "the API could not be reached (Failed to fetch)" });
  });

  it("calls nothing before a token is pasted", async () => {
    // Arrange
    const { sent, fetchFn } = fakeFetch(200, "{}");
    const api = createApi("/", () => undefined, fetchFn);

    // Act
    const failure = await api.queues().catch((error: unknown) => error);

    // Assert
    expect(failure).toMatchObject({ status: 401 });
    expect(sent).toEqual([]);
  });
});
