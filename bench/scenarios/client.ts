/**
 * What `hitl-lab/client` adds to a request over a bare `fetch`: both send `POST /v1/decisions` to a
 * local HTTP server in this thread that answers a canned decision, at concurrency 16, and the
 * thread's CPU per request (server included, the same for both) is compared. Rounds interleave.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { HitlClient } from "../../client";
import type { Scenario, ScenarioResult } from "../context";
import { markdown, num } from "../render";

const ROUNDS = 5;
const CONCURRENCY = 16;
const ANSWER = JSON.stringify({
  decisionId: "d",
  experimentId: "e",
  arm: "a",
  enrolled: true,
  route: "auto",
  outcome: "approve",
  audit: false,
  reason: "confidence 0.9 ≥ 0.8",
  configVersion: 1,
});

const body = (i: number) => ({
  experimentId: "e",
  unitId: `customer-${i}`,
  decisionId: `d-${i}`,
  item: { topic: "billing", amount: 100 },
  prediction: { label: "approve", confidence: 0.9, modelVersion: "m-1" },
});

async function cpuPerRequest(send: (i: number) => Promise<unknown>, requests: number): Promise<number> {
  const start = process.threadCpuUsage();
  for (let i = 0; i < requests; i += CONCURRENCY)
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => send(i + k)));
  const used = process.threadCpuUsage(start);
  return (used.user + used.system) / 1000 / requests;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export const client: Scenario = {
  name: "client",
  title: "API client cost",
  description: "CPU per request of hitl-lab/client against a bare fetch, to a canned local server",
  async run(ctx): Promise<ScenarioResult> {
    const requests = ctx.options.quick ? 800 : 4000;
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(ANSWER);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = new HitlClient({ baseUrl: base, token: "t", retry: { maxAttempts: 1 } });
    const variants = {
      fetch: async (i: number) => {
        const response = await fetch(new URL("/v1/decisions", base), {
          method: "POST",
          headers: { authorization: "Bearer t", "content-type": "application/json" },
          body: JSON.stringify(body(i)),
        });
        return JSON.parse(await response.text());
      },
      client: (i: number) => api.decisions.send(body(i)),
    };
    const samples = { fetch: [] as number[], client: [] as number[] };
    try {
      for (const send of Object.values(variants)) await cpuPerRequest(send, 1000);
      for (let round = 1; round <= ROUNDS; round++) {
        ctx.progress(`client: round ${round}/${ROUNDS}`);
        samples.fetch.push(await cpuPerRequest(variants.fetch, requests));
        samples.client.push(await cpuPerRequest(variants.client, requests));
      }
    } finally {
      server.close();
    }
    const bare = median(samples.fetch);
    const rows = (["fetch", "client"] as const).map((name) => [
      name === "fetch" ? "bare fetch" : "hitl-lab/client (no retries)",
      num(median(samples[name]), 3),
      name === "fetch" ? "" : `+${num(median(samples.client) - bare, 3)}`,
      samples[name].map((v) => num(v, 3)).join(", "),
    ]);
    return {
      markdown: [
        `## API client: CPU per request (${requests} requests × ${ROUNDS} rounds, median)`,
        "",
        markdown(["variant", "CPU ms", "over fetch", "rounds"], rows, ["left", "right", "right", "left"]),
        "",
        "The thread's own CPU per request, the canned server's included (the same for both).",
      ].join("\n"),
      data: {
        requests,
        rounds: ROUNDS,
        msPerRequest: { fetch: bare, client: median(samples.client) },
        samples,
      },
    };
  },
};
