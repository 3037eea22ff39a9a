import { describe, expect, inject, it } from "vitest";
import { runSoak } from "../../bench/soak/run";
import { FaultControl } from "../support/drills";
import { cloud, dynamodb, nameOf, sqs, uid } from "./support";

/**
 * The soak of `npm run bench -- --scenario soak` (bench/soak/run.ts), short, on the suite's cloud:
 * 20 s of traffic with reviewers, duplicates over HTTP and the ingest queue, and a worker crash
 * every few seconds across route, intake, steps, verdict and counter.
 */
describe("the soak, 20 s on the suite's cloud", () => {
  it("ends with every decision as expected, each decision and verdict counted once and live = rebuild, through worker crashes", async () => {
    const result = await runSoak(
      {
        apiUrl: cloud.apiUrl,
        tokens: cloud.tokens,
        reviewerTokens: ["r1", "r2", "r3"].map((r) => cloud.identities[r] as string),
        faults: new FaultControl(inject("faultsUrl")),
        dynamodb,
        sqs,
        ingestQueueUrl: nameOf("IngestQueue/Queue"),
        tables: {
          decisions: nameOf("DecisionsTable"),
          reviews: nameOf("ReviewsTable"),
          metrics: nameOf("MetricsTable"),
        },
      },
      {
        soakId: uid("soak"),
        adminToken: cloud.tokens.admin,
        durationMs: 20_000,
        rate: 3,
        reviewers: 3,
        crashesPerMinute: 15,
        drainMs: 90_000,
        settleMs: 60_000,
      },
    );
    expect(result.check.problems).toEqual([]);
    expect(result.check.rows.filter((row) => !row.ok)).toEqual([]);
    expect(result.errors).toEqual({ count: 0 });
    // The drill is real only if crashes happened and something was sent twice.
    expect(result.crashes.fired).toBeGreaterThan(0);
    expect(result.redeliveries.duplicateCopies).toBeGreaterThan(0);
    expect(result.sent.held).toBeGreaterThan(0);
    expect(result.leftHeld).toBe(0);
  }, 300_000);
});
