import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "../../local/cloud";

/** This suite runs its own local cloud with a data folder, to stop and start it. */
const dataDir = mkdtempSync(path.join(tmpdir(), "hitl-restart-"));
const free = { api: 0, dynamodb: 0, sqs: 0, stepfunctions: 0 };
let cloud: LocalCloud | undefined;

afterAll(async () => {
  await cloud?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function api<T = Record<string, unknown>>(
  c: LocalCloud,
  method: string,
  route: string,
  token: string,
  body?: unknown,
) {
  const response = await fetch(new URL(route, c.apiUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("restarting the local cloud while items are held", () => {
  it("keeps held items claimable and decidable, and the workflow finishes after the restart", async () => {
    // Arrange
    cloud = await startLocalCloud({ dataDir, ports: free, log: () => {} });
    const first = cloud;
    await api(first, "POST", "/v1/experiments", first.tokens.admin, {
      id: "restart",
      status: "running",
      control: "only",
      arms: [{ id: "only", weight: 1, policy: { autoAcceptAbove: 0.99 } }],
    });
    const held = await api<{ reviewId: string }>(first, "POST", "/v1/decisions", first.tokens.producer, {
      experimentId: "restart",
      unitId: "u-1",
      decisionId: "held-across-restart",
      item: {},
      prediction: { label: "approve", confidence: 0.5 },
    });
    await until(async () => {
      const r = await api<{ review: { status: string } }>(
        first,
        "GET",
        `/v1/reviews/${held.body.reviewId}`,
        first.tokens.reviewer,
      );
      return r.status === 200 ? true : undefined;
    }, "the held item");

    // Act
    await first.stop();
    cloud = await startLocalCloud({ dataDir, ports: free, log: () => {} });
    const second = cloud;
    const claim = await api<{ review: { reviewId: string } | null }>(
      second,
      "POST",
      "/v1/queues/default/claim",
      second.tokens.reviewer,
    );
    const verdict = await api(
      second,
      "POST",
      `/v1/reviews/${held.body.reviewId}/verdict`,
      second.tokens.reviewer,
      {
        label: "deny",
      },
    );
    const decided = await until(async () => {
      const d = await api<{ status: string; outcome?: string }>(
        second,
        "GET",
        "/v1/decisions/held-across-restart",
        second.tokens.analyst,
      );
      return d.body.status === "decided" ? d.body : undefined;
    }, "the decided outcome");

    // Assert
    expect(second.tokens).toEqual(first.tokens);
    expect(claim.body.review?.reviewId).toBe(held.body.reviewId);
    expect(verdict.status).toBe(200);
    expect(decided.outcome).toBe("deny");
  });
});
