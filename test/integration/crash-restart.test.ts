import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Ports } from "../../cli/dev-options";
import { isRunning, stopIfRunning } from "../../local/processes";
import { RUN_RECORD } from "../../local/run-record";
import {
  api,
  crash,
  type DecisionAnswer,
  type DevRun,
  drillDecision,
  drillExperiment,
  freePorts,
  hitl,
  recordedChildren,
  sendDecisions,
  startDev,
  stopDev,
} from "../support/crash-drill";
import { eventually } from "../support/eventually";

/** `hitl dev` runs as a child process on a data folder and ports of its own, restarted on the same. */
const dataDir = mkdtempSync(path.join(tmpdir(), "hitl-crash-"));
let ports: Ports;
let run: DevRun | undefined;
const recorded: ReturnType<typeof recordedChildren> = [];

afterAll(async () => {
  if (run) await stopDev(run);
  for (const process of recorded) await stopIfRunning(process, 1_000);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts (or restarts) `hitl dev` on the drill's folder and ports. */
async function restart(): Promise<DevRun> {
  ports ??= await freePorts();
  run = await startDev(dataDir, ports);
  recorded.push(...recordedChildren(run));
  return run;
}

interface StoredDecision {
  status: string;
  route: string;
  arm: string;
  reviewId?: string;
  outcome?: string;
  outcomeSource?: string;
}

interface ClaimAnswer {
  review: { reviewId: string; decisionId: string } | null;
}

const same = (answer: DecisionAnswer) => ({
  route: answer.route,
  arm: answer.arm,
  reviewId: answer.reviewId,
});

describe("the local cloud killed with SIGKILL", () => {
  it("comes back on the same ports with every decision and held item, settles them and counts each once (rebuild = live), after crashes mid-traffic and mid-review with every decision sent three times at once", async () => {
    // Arrange
    let cloud = await restart();
    const experimentId = "crash-drill";
    const queue = "crash-drill";
    const created = await api(
      cloud,
      "POST",
      "/v1/experiments",
      "admin",
      drillExperiment(experimentId, queue, 10),
    );
    expect(created.status).toBeLessThan(300);
    const bodies = Array.from({ length: 60 }, (_, i) => drillDecision(experimentId, i));
    const heldIds = new Set(bodies.filter((b) => b.item.topic === "legal").map((b) => b.decisionId));

    // Act 1: traffic, 10 decisions sent 3× at once, and a crash of the terminal's process group in the middle
    const early = sendDecisions(cloud, bodies.slice(0, 30), 10);
    await eventually(async () => (early.answers.size >= 10 ? true : undefined), 150_000, "the first answers");
    const late = sendDecisions(cloud, bodies.slice(30), 10);
    await crash(cloud, "group");
    await Promise.all([early.settled, late.settled]);
    const answeredBeforeCrash = new Map([...early.answers, ...late.answers]);
    cloud = await restart();
    const afterFirstCrash = new Map<string, StoredDecision>();
    for (const id of answeredBeforeCrash.keys()) {
      const stored = await api<StoredDecision>(cloud, "GET", `/v1/decisions/${id}`, "analyst");
      if (stored.status === 200) afterFirstCrash.set(id, stored.body);
    }
    // The producer retries every decision with its id, as a client whose calls failed would.
    const retried = sendDecisions(cloud, bodies, 0);
    await retried.settled;

    // Assert 1: nothing answered was lost, a retry gets the first answer, three sends at once gave one
    expect(retried.refused).toEqual([]);
    expect(retried.answers.size).toBe(60);
    expect(answeredBeforeCrash.size).toBeGreaterThanOrEqual(10);
    expect([...afterFirstCrash.keys()].sort()).toEqual([...answeredBeforeCrash.keys()].sort());
    for (const [id, answers] of answeredBeforeCrash) {
      expect(new Set(answers.map((a) => JSON.stringify(same(a)))).size, id).toBe(1);
      expect(same(retried.answers.get(id)?.[0] as DecisionAnswer), id).toEqual(
        same(answers[0] as DecisionAnswer),
      );
    }

    // Act 2: claims and verdicts, and a crash while verdicts are in flight and leases are held
    const reviewIds = new Map<string, string>();
    for (const id of heldIds) reviewIds.set(id, retried.answers.get(id)?.[0]?.reviewId ?? "");
    await eventually(
      async () => {
        const { body } = await api<{ queues: { queue: string; depth: number }[] }>(
          cloud,
          "GET",
          "/v1/queues",
          "reviewer",
        );
        return body.queues.find((q) => q.queue === queue)?.depth === heldIds.size ? true : undefined;
      },
      150_000,
      "every held item in its queue",
    );
    const claimed: NonNullable<ClaimAnswer["review"]>[] = [];
    for (let i = 0; i < 6; i++) {
      const { body } = await api<ClaimAnswer>(cloud, "POST", `/v1/queues/${queue}/claim`, "reviewer");
      if (body.review) claimed.push(body.review);
    }
    const decidedBeforeCrash = new Map<string, string>();
    for (const review of claimed.slice(0, 2)) {
      const verdict = await api(cloud, "POST", `/v1/reviews/${review.reviewId}/verdict`, "reviewer", {
        label: "deny",
      });
      if (verdict.status === 200) decidedBeforeCrash.set(review.decisionId, "deny");
    }
    const inFlight = claimed
      .slice(2, 4)
      .map((review) =>
        api(cloud, "POST", `/v1/reviews/${review.reviewId}/verdict`, "reviewer", { label: "deny" }).catch(
          () => undefined,
        ),
      );
    await crash(cloud, "group");
    await Promise.all(inFlight);
    cloud = await restart();
    const stillHeld = await api<StoredDecision>(
      cloud,
      "GET",
      `/v1/decisions/${claimed[5]?.decisionId}`,
      "analyst",
    );
    // Settle everything: verdicts on the items still leased to us, then claim the rest as they come back.
    const settled = await eventually(
      async () => {
        for (const review of claimed)
          await api(cloud, "POST", `/v1/reviews/${review.reviewId}/verdict`, "reviewer", { label: "deny" });
        for (;;) {
          const { body } = await api<ClaimAnswer>(cloud, "POST", `/v1/queues/${queue}/claim`, "reviewer");
          if (!body.review) break;
          await api(cloud, "POST", `/v1/reviews/${body.review.reviewId}/verdict`, "reviewer", {
            label: "approve",
          });
        }
        const states = new Map<string, StoredDecision>();
        for (const body of bodies) {
          const stored = await api<StoredDecision>(
            cloud,
            "GET",
            `/v1/decisions/${body.decisionId}`,
            "analyst",
          );
          states.set(body.decisionId, stored.body);
        }
        return [...states.values()].every((s) => s.status !== "held") ? states : undefined;
      },
      90_000,
      "every held decision to be decided",
    );

    // Assert 2: every decision is there and settled; verdicts given before the crash stand
    expect(claimed).toHaveLength(6);
    expect(stillHeld.body.status).toBe("held");
    expect(decidedBeforeCrash.size).toBe(2);
    for (const body of bodies) {
      const state = settled.get(body.decisionId);
      if (heldIds.has(body.decisionId)) {
        expect(state, body.decisionId).toMatchObject({ status: "decided", outcomeSource: "reviewer" });
        expect(state?.reviewId).toBe(reviewIds.get(body.decisionId));
      } else {
        expect(state, body.decisionId).toMatchObject({ status: "automated", route: "auto" });
      }
    }
    for (const [id, label] of decidedBeforeCrash) expect(settled.get(id)?.outcome, id).toBe(label);
    const { body: queues } = await api<{ queues: { queue: string; depth: number }[] }>(
      cloud,
      "GET",
      "/v1/queues",
      "reviewer",
    );
    expect(queues.queues.find((q) => q.queue === queue)).toBeUndefined();

    // Assert 3: nothing lost or doubled in the counts: live = rebuild, one count per decision and verdict
    const rebuilt = await eventually(
      async () => {
        const answer = await hitl(cloud, "metrics", "rebuild", "--experiment", experimentId);
        return answer.code === 0 ? answer : undefined;
      },
      60_000,
      "live counters equal to the rebuild",
    );
    const shown = await hitl(cloud, "metrics", "show", "--experiment", experimentId, "--json");
    const arms = (
      JSON.parse(shown.stdout) as {
        arms: { decisions: number; human: number; counters: Record<string, number> }[];
      }
    ).arms;
    const total = (of: (arm: (typeof arms)[number]) => number | undefined) =>
      arms.reduce((n, arm) => n + (of(arm) ?? 0), 0);
    expect(rebuilt.stdout).toContain("no differences");
    expect(total((a) => a.decisions)).toBe(60);
    expect(total((a) => a.human)).toBe(heldIds.size);
    expect(total((a) => a.counters.verdicts)).toBe(heldIds.size);
    expect(total((a) => a.counters.humanOutcomes)).toBe(heldIds.size);
  }, 540_000);

  it("stops the JVM a crash left behind (the Node process and its watchdog killed) and comes back with the data", async () => {
    // Arrange
    let cloud = run ?? (await restart());
    const experimentId = "crash-drill-oom";
    await api(cloud, "POST", "/v1/experiments", "admin", drillExperiment(experimentId, experimentId, 10));
    const bodies = Array.from({ length: 6 }, (_, i) => drillDecision(experimentId, i));
    const sent = sendDecisions(cloud, bodies, 0);
    await sent.settled;
    const jvm = recordedChildren(cloud).at(-1);
    if (!jvm) throw new Error("no JVM recorded");

    // Act
    await crash(cloud, "node-and-watchdog");
    const leftBehind = isRunning(jvm);
    cloud = await restart();
    const found = await Promise.all(
      bodies.map((b) => api<StoredDecision>(cloud, "GET", `/v1/decisions/${b.decisionId}`, "analyst")),
    );
    await stopDev(cloud);
    run = undefined;

    // Assert
    expect(sent.answers.size).toBe(6);
    expect(leftBehind).toBe(true);
    expect(cloud.output()).toContain(
      `stopped DynamoDB Local (pid ${jvm.pid}) left running by the local cloud started`,
    );
    expect(isRunning(jvm)).toBe(false);
    expect(found.map((f) => f.status)).toEqual(bodies.map(() => 200));
    expect(existsSync(path.join(dataDir, RUN_RECORD)), cloud.output().slice(-3000)).toBe(false);
  }, 180_000);
});
