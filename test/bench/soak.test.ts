import { describe, expect, it } from "vitest";
import { parseArgs } from "../../bench/args";
import { soakMarkdown } from "../../bench/scenarios/soak";
import {
  expectedCounts,
  expectedStatus,
  finalCheck,
  type ObservedDecision,
  type SentDecision,
  settleProblems,
} from "../../bench/soak/check";
import { isDynamoDbLocal, rssMbOf } from "../../bench/soak/memory";
import type { SoakResult } from "../../bench/soak/run";
import { CRASH_TARGETS, copiesOf, crashSchedule, seeded } from "../../bench/soak/schedule";
import type { Counters } from "../../core/metrics/counters";

describe("the soak's crash schedule", () => {
  it("arms perMinute crashes per minute, each inside its own slot of the run, in time order", () => {
    const plan = crashSchedule({ durationMs: 180_000, perMinute: 4, seed: 7 });
    expect(plan).toHaveLength(12);
    const slot = 180_000 / 12;
    plan.forEach((crash, i) => {
      expect(crash.atMs).toBeGreaterThanOrEqual(i * slot);
      expect(crash.atMs).toBeLessThan((i + 1) * slot);
    });
  });

  it("crashes every worker (route, intake, steps, verdict, counter) before any one twice", () => {
    const plan = crashSchedule({ durationMs: 60_000, perMinute: 7, seed: 3 });
    const first = plan.slice(0, CRASH_TARGETS.length).map((c) => c.target.label);
    expect(new Set(first)).toEqual(new Set(["route", "intake", "steps", "verdict", "counter"]));
  });

  it("picks each crash's write within the worker's range", () => {
    for (const crash of crashSchedule({ durationMs: 600_000, perMinute: 10, seed: 11 })) {
      expect(crash.afterWrite).toBeGreaterThanOrEqual(1);
      expect(crash.afterWrite).toBeLessThanOrEqual(crash.target.maxWrite);
    }
  });

  it("is the same plan for the same seed and another for another seed", () => {
    const a = crashSchedule({ durationMs: 120_000, perMinute: 5, seed: 42 });
    expect(crashSchedule({ durationMs: 120_000, perMinute: 5, seed: 42 })).toEqual(a);
    expect(crashSchedule({ durationMs: 120_000, perMinute: 5, seed: 43 })).not.toEqual(a);
  });

  it("arms one crash in a run shorter than a crash's share of a minute, none at rate 0", () => {
    expect(crashSchedule({ durationMs: 5_000, perMinute: 1, seed: 1 })).toHaveLength(1);
    expect(crashSchedule({ durationMs: 60_000, perMinute: 0, seed: 1 })).toEqual([]);
    expect(() => crashSchedule({ durationMs: 0, perMinute: 1, seed: 1 })).toThrow(RangeError);
  });

  it("sends about duplicateShare of the decisions 2 or 3 times, the rest once", () => {
    const random = seeded(5);
    const copies = Array.from({ length: 10_000 }, () => copiesOf(random, 0.2));
    const duplicated = copies.filter((c) => c > 1).length / copies.length;
    expect(duplicated).toBeGreaterThan(0.18);
    expect(duplicated).toBeLessThan(0.22);
    expect(new Set(copies)).toEqual(new Set([1, 2, 3]));
    expect(Array.from({ length: 100 }, () => copiesOf(random, 0)).every((c) => c === 1)).toBe(true);
  });
});

const decision = (id: string, held: boolean, verdict?: string): SentDecision => ({
  decisionId: id,
  via: "http",
  held,
  predicted: "approve",
  answered: true,
  ...(verdict ? { verdict } : {}),
});

/** Three decisions: automated, held and decided as an override, held and left undecided. */
const SENT = [decision("a", false), decision("h1", true, "deny"), decision("h2", true)];
const ENDED = new Map<string, ObservedDecision | undefined>([
  ["a", { status: "automated", outcome: "approve", outcomeSource: "model" }],
  ["h1", { status: "decided", outcome: "deny", outcomeSource: "reviewer" }],
  ["h2", { status: "held" }],
]);
const LIVE = new Map([
  ["only", { decisions: 3, auto: 1, human: 2, verdicts: 1, overrides: 1, humanOutcomes: 1, enqueued: 2 }],
]);

describe("the soak's final check", () => {
  it("expects automated, decided by the reviewer, or still held", () => {
    expect(SENT.map(expectedStatus)).toEqual(["automated", "decided", "held"]);
    expect(settleProblems(SENT, ENDED)).toEqual([]);
  });

  it("names a decision that ended elsewhere, one decided with another outcome, a missing and an unanswered one", () => {
    const ended = new Map(ENDED);
    ended.set("h1", { status: "decided", outcome: "approve", outcomeSource: "reviewer" });
    ended.set("h2", { status: "fallback", outcome: "approve", outcomeSource: "fallback" });
    ended.delete("a");
    const lost = { ...decision("x", false), answered: false };
    expect(settleProblems([...SENT, lost], ended)).toEqual([
      "a: not found, expected automated",
      "h1: outcome approve from reviewer, expected deny from reviewer",
      "h2: fallback, expected held",
      "x: never answered (http)",
    ]);
  });

  it("counts each answered decision and each verdict once, and an override only where the verdict differs", () => {
    expect(expectedCounts(SENT)).toEqual({
      decisions: 3,
      auto: 1,
      human: 2,
      verdicts: 1,
      overrides: 1,
      humanOutcomes: 1,
    });
  });

  it("passes when every decision ended as expected, the counts are one life's and live = rebuild", () => {
    const check = finalCheck({ sent: SENT, observed: ENDED, live: LIVE, differences: [] });
    expect(check.ok).toBe(true);
    expect(check.problems).toEqual([]);
    expect(check.rows.every((r) => r.ok)).toBe(true);
  });

  it("fails on a verdict counted twice, and on any counter where live and rebuild differ", () => {
    const twice = new Map([["only", { ...LIVE.get("only"), verdicts: 2 }]]);
    const counted = finalCheck({ sent: SENT, observed: ENDED, live: twice, differences: [] });
    expect(counted.ok).toBe(false);
    expect(counted.rows.find((r) => r.check === "counted once: verdicts")).toMatchObject({
      expected: 1,
      found: 2,
      ok: false,
    });

    const differ = finalCheck({
      sent: SENT,
      observed: ENDED,
      live: LIVE,
      differences: [{ arm: "only", counter: "humanOutcomes", live: 1, rebuilt: 2, diff: -1 }],
    });
    expect(differ.ok).toBe(false);
    expect(differ.problems).toEqual(["only humanOutcomes: live 1, rebuild 2 (-1)"]);
  });

  it("sums the counters of every arm before comparing", () => {
    const split = new Map<string, Counters>([
      ["a", { decisions: 2, auto: 1, human: 1, verdicts: 1, overrides: 1, humanOutcomes: 1 }],
      ["b", { decisions: 1, human: 1 }],
    ]);
    expect(finalCheck({ sent: SENT, observed: ENDED, live: split, differences: [] }).ok).toBe(true);
  });
});

describe("the soak's options", () => {
  const known = ["routing", "soak"];
  it("takes minutes (fractions too), a rate, crashes per minute (0 allowed) and reviewers", () => {
    const options = parseArgs(
      ["--scenario", "soak", "--minutes", "0.5", "--rate=6", "--crashes", "0", "--reviewers", "3"],
      known,
    );
    expect(options).toMatchObject({ soakMinutes: 0.5, soakRate: 6, soakCrashes: 0, soakReviewers: 3 });
    expect(parseArgs([], known)).toMatchObject({
      soakMinutes: 3,
      soakRate: 4,
      soakCrashes: 4,
      soakReviewers: 4,
    });
    expect(parseArgs(["--quick"], known).soakMinutes).toBe(1);
    expect(parseArgs([], known).soakRestart).toBe(false);
    expect(parseArgs(["--restart"], known).soakRestart).toBe(true);
  });

  it("refuses a rate or a duration that is not a positive number, naming the flag", () => {
    expect(() => parseArgs(["--minutes", "0"], known)).toThrow(/--minutes needs a number > 0, got 0/);
    expect(() => parseArgs(["--rate", "fast"], known)).toThrow(/--rate needs a number > 0, got fast/);
    expect(() => parseArgs(["--crashes", "-1"], known)).toThrow(/--crashes needs a number ≥ 0, got -1/);
  });
});

describe("the soak's memory sampler", () => {
  it("reads VmRSS in MB from a /proc status text, and nothing from one without it", () => {
    expect(rssMbOf("Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  524288 kB\nThreads:\t40\n")).toBe(512);
    expect(rssMbOf("Name:\tzombie\n")).toBeUndefined();
  });

  it("knows DynamoDB Local's JVM by its jar and its -port, not another's port nor its watchdog", () => {
    const cmdline = [
      "java",
      "-Djava.library.path=x",
      "-jar",
      "DynamoDBLocal.jar",
      "-inMemory",
      "-port",
      "41234",
    ].join("\0");
    expect(isDynamoDbLocal(cmdline, 41234)).toBe(true);
    expect(isDynamoDbLocal(cmdline, 8000)).toBe(false);
    expect(isDynamoDbLocal(["node", "server.js", "-port", "41234"].join("\0"), 41234)).toBe(false);
    // Its watchdog carries the same command line as arguments: not the JVM.
    expect(isDynamoDbLocal(`/usr/bin/node\0watchdog.mjs\x005000\0${cmdline}`, 41234)).toBe(false);
    expect(isDynamoDbLocal(`/usr/lib/jvm/bin/java\0${cmdline.split("\0").slice(1).join("\0")}`, 41234)).toBe(
      true,
    );
  });
});

describe("the soak's report", () => {
  const window = (atS: number, decisions: number, crashes: number) => ({
    atS,
    seconds: 10,
    decisions,
    verdicts: 2,
    crashes,
    decisionP95Ms: 120,
    memoryMb: { node: 900, "dynamodb-local": 300 },
  });
  const result = (check: ReturnType<typeof finalCheck>): SoakResult => ({
    soakId: "soak-1",
    durationMs: 20_000,
    offeredRate: 4,
    sent: { decisions: 3, http: 2, ingest: 1, held: 2, copies: 4 },
    answeredPerSecond: 2,
    verdictsPerSecond: 0.1,
    decisionLatencyMs: { count: 2, mean: 60, min: 40, max: 80, p50: 40, p95: 80, p99: 80 },
    verdictLatencyMs: { count: 1, mean: 50, min: 50, max: 50, p50: 50, p95: 50, p99: 50 },
    crashes: { planned: 2, fired: 1, byTarget: { route: { planned: 1, fired: 1 } }, firedAfter: [] },
    redeliveries: {
      httpResends: 1,
      verdictResends: 0,
      ingestResends: 0,
      duplicateCopies: 1,
      crashedInvocations: 1,
    },
    errors: { count: 0 },
    windows: [window(10, 20, 1), window(20, 20, 0)],
    phasesMs: { traffic: 20_000, drain: 1000, settle: 1000, catchUp: 1000 },
    leftHeld: 1,
    check,
  });

  it("says passed, the throughput ratio, the crashes, and charts decisions/s and each process's memory", () => {
    const md = soakMarkdown(result(finalCheck({ sent: SENT, observed: ENDED, live: LIVE, differences: [] })));
    expect(md).toContain("**Passed**");
    expect(md).toContain("| throughput answered / offered | **0.50** (2.00 of 4.0 decisions/s) |");
    expect(md).toContain("p95 = 2.0 × p50");
    expect(md).toContain("| route | route-decision | 1 | 1 | – |");
    expect(md).toMatch(/ {2}10 s ✗ +█+ +2\.0 decisions\/s/);
    expect(md).toContain(
      "| at s | decisions | verdicts | crashes | decision p95 | node MB | dynamodb-local MB |",
    );
    expect(md).toContain("Resident memory of dynamodb-local (MB):");
  });

  it("says FAILED and lists what differs when the check does not hold", () => {
    const check = finalCheck({
      sent: SENT,
      observed: ENDED,
      live: LIVE,
      differences: [{ arm: "only", counter: "verdicts", live: 2, rebuilt: 1, diff: 1 }],
    });
    const md = soakMarkdown(result(check));
    expect(md).toContain("**FAILED**");
    expect(md).toContain("- only verdicts: live 2, rebuild 1 (+1)");
    expect(md).toContain("| counters where live ≠ rebuild | 0 | 1 | **NO** |");
  });
});
