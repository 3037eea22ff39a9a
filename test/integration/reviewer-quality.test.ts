import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { fleissKappa } from "../../core/stats/fleiss";
import { call, cloud, eventually, settledSnapshot, snapshot, uid } from "./support";

const LABELS = ["approve", "deny"] as const;
type Label = (typeof LABELS)[number];

/** A small seeded generator (mulberry32): the simulated team decides the same way on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Claimed {
  review: {
    reviewId: string;
    decisionId: string;
    queue: string;
    reasons: string[];
    context: { item: { case: number } };
  } | null;
}

const GOLD = { rate: 0.4, firstItems: 8, minAccuracy: 0.5, minGoldItems: 12, reReviewWhenPaused: true };
const HELD = 30;
const GOLD_ITEMS = 40;

/** Krippendorff's nominal alpha straight from its definition (coincidences of the values within items). */
function nominalAlpha(items: readonly (readonly string[])[]): number {
  const pairable = items.filter((labels) => labels.length >= 2);
  const total = new Map<string, number>();
  let n = 0;
  let observed = 0;
  for (const labels of pairable) {
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    let differing = 0;
    for (const [c, nc] of counts) for (const [k, nk] of counts) if (c !== k) differing += nc * nk;
    observed += differing / (labels.length - 1);
    for (const [c, nc] of counts) total.set(c, (total.get(c) ?? 0) + nc);
    n += labels.length;
  }
  let expected = 0;
  for (const [c, nc] of total) for (const [k, nk] of total) if (c !== k) expected += nc * nk;
  return 1 - ((n - 1) * observed) / expected;
}

/**
 * Sends again once on 503: the local API answers 503 when a cold function takes longer than its
 * timeout (as API Gateway does), which a loaded 2-core machine makes likely for a suite's first call.
 */
async function once503<T extends { status: number }>(send: () => Promise<T>): Promise<T> {
  const first = await send();
  return first.status === 503 ? send() : first;
}

async function qualityExperiment(queue: string): Promise<string> {
  const id = uid("quality");
  const policy = (autoAcceptAbove: number) => ({
    autoAcceptAbove,
    queue,
    alwaysHumanTopics: ["legal"],
    doubleReviewRate: 1,
    sla: {
      tiers: [{ name: "tier-1", slaSeconds: 3600 }],
      fallback: { action: "model" },
      heartbeatSeconds: 600,
    },
  });
  const answer = await once503(() =>
    call("POST", "/v1/experiments", {
      role: "admin",
      body: {
        id,
        status: "running",
        control: "conservative",
        labels: [...LABELS],
        queues: { [queue]: { gold: GOLD } },
        arms: [
          { id: "conservative", weight: 0.5, policy: policy(0.95) },
          { id: "aggressive", weight: 0.5, policy: policy(0.8) },
        ],
      },
    }),
  );
  // 409 after a 503: the first attempt created it before the answer timed out.
  if (answer.status !== 201 && answer.status !== 409)
    throw new Error(`experiment not created: ${JSON.stringify(answer.body)}`);
  return id;
}

const run = promisify(execFile);

/** The real `hitl` executable, pointed at the local cloud through HITL_API_URL and HITL_TOKEN. */
async function hitl(token: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ["bin/hitl.mjs", ...args], {
    env: { ...process.env, HITL_API_URL: cloud.apiUrl, HITL_TOKEN: token },
  });
  return stdout;
}

const jsonLines = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n");

async function uploadGold(queue: string, text: string, experimentId?: string) {
  // A repeated upload changes nothing (the same items, the same ids): safe to send again on 503.
  return once503(() => uploadGoldOnce(queue, text, experimentId));
}

async function uploadGoldOnce(queue: string, text: string, experimentId?: string) {
  const response = await fetch(
    new URL(
      `/v1/queues/${encodeURIComponent(queue)}/gold${experimentId ? `?experimentId=${experimentId}` : ""}`,
      cloud.apiUrl,
    ),
    {
      method: "POST",
      headers: { authorization: `Bearer ${cloud.tokens.admin}`, "content-type": "application/x-ndjson" },
      body: text,
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("gold uploads on the local cloud", () => {
  it("refuses a bad upload with a 400 that names each bad line's field, and writes nothing", async () => {
    // Arrange
    const queue = uid("gold-bad");
    const experimentId = await qualityExperiment(queue);
    const before = await settledSnapshot();
    const text = jsonLines([
      { item: { case: 1 }, prediction: { label: "approve", confidence: 0.9 }, label: "deny" },
      { item: { case: 2 }, prediction: { label: "approve", confidence: 1.5 }, label: "deny" },
      { item: { case: 3 }, prediction: { label: "approve", confidence: 0.9 }, label: "maybe" },
    ]);

    // Act
    const answer = await uploadGold(queue, text, experimentId);

    // Assert
    expect(answer.status).toBe(400);
    const details = (answer.body.error as { details: { path: string; message: string }[] }).details;
    expect(details.map((d) => d.path)).toEqual(["line 2: prediction.confidence", "line 3: label"]);
    expect(details[1]?.message).toContain('"maybe" is not one of the labels');
    expect(await snapshot()).toEqual(before);
    // Waiting for the shared cloud to go quiet takes longer than the default on a loaded machine.
  }, 240_000);
});

describe("reviewer quality, end to end", () => {
  it("finds the weak reviewer on gold, pauses them, re-reviews their verdicts, and reports agreement as recomputed from the verdicts", async () => {
    // Arrange: an experiment whose queue mixes gold in, its gold, and held items waiting
    const queue = uid("quality");
    const experimentId = await qualityExperiment(queue);
    const truth = new Map<number, Label>();
    const rng = random(20261204);
    const gold = Array.from({ length: GOLD_ITEMS }, (_, i) => {
      const label = LABELS[rng() < 0.5 ? 0 : 1] as Label;
      truth.set(1000 + i, label);
      return {
        item: { topic: "legal", case: 1000 + i },
        prediction: { label: "approve", confidence: 0.7 },
        label,
      };
    });
    const file = join(mkdtempSync(join(tmpdir(), "gold-")), "gold.jsonl");
    writeFileSync(file, jsonLines(gold));
    const uploaded = JSON.parse(await hitl(cloud.tokens.admin, "gold", "add", "--queue", queue, file)) as {
      added: number;
      pool: number;
    };
    const decisions: string[] = [];
    for (let i = 0; i < HELD; i++) {
      truth.set(i, LABELS[rng() < 0.5 ? 0 : 1] as Label);
      const sent = await call<{ decisionId: string; route: string }>("POST", "/v1/decisions", {
        role: "producer",
        body: {
          experimentId,
          unitId: uid("u"),
          item: { topic: "legal", case: i },
          prediction: { label: "approve", confidence: 0.7 },
        },
      });
      decisions.push(sent.body.decisionId);
    }
    await eventually(
      async () => {
        const queues = await call<{ queues: { queue: string; depth: number }[] }>("GET", "/v1/queues", {
          role: "admin",
        });
        return queues.body.queues.find((q) => q.queue === queue)?.depth === HELD ? true : undefined;
      },
      60_000,
      "every held item in the queue",
    );
    // The team: three good reviewers and one who is right 40% of the time, each with their own dice.
    const team = [
      { name: "r1", accuracy: 0.98 },
      { name: "r2", accuracy: 0.98 },
      { name: "r3", accuracy: 0.97 },
      { name: "r4", accuracy: 0.4 },
    ].map((m, i) => ({ ...m, token: cloud.identities[m.name] ?? "", paused: "", dice: random(7 + i) }));
    const blind = new Map<string, Label[]>();
    const armOf = new Map<string, string>();
    const weakReal: string[] = [];
    let reReviewed = 0;
    /** One claim and verdict of a member; false when they got nothing (or were refused). */
    const work = async (member: (typeof team)[number]): Promise<boolean> => {
      const claimed = await call<Claimed>("POST", `/v1/queues/${queue}/claim`, { token: member.token });
      if (claimed.status === 403) {
        member.paused = String((claimed.body as unknown as { error: { message: string } }).error.message);
        return false;
      }
      const review = claimed.body.review;
      if (!review) return false;
      const right = truth.get(review.context.item.case) ?? "approve";
      const label = member.dice() < member.accuracy ? right : right === "approve" ? "deny" : "approve";
      const secondReview = review.reasons[0]?.startsWith("second review") ?? false;
      const given = await call("POST", `/v1/reviews/${review.reviewId}/verdict`, {
        token: member.token,
        body: { label },
      });
      expect(given.status, JSON.stringify(given.body)).toBe(200);
      if (secondReview) reReviewed++;
      else if (review.context.item.case < 1000) {
        blind.set(review.reviewId, [...(blind.get(review.reviewId) ?? []), label]);
        armOf.set(review.reviewId, (review as unknown as { arm: string }).arm);
        if (member.name === "r4") weakReal.push(review.reviewId);
      }
      return true;
    };

    // Act: the team works the queue side by side until a whole turn finds nothing; an admin adjudicates
    for (let turn = 0, idle = 0; idle < 2 && turn < 400; turn++) {
      const active = team.filter((m) => !m.paused);
      const worked = await Promise.all(active.map(work));
      // An item waiting for its second review comes back for the others: stop after two empty turns.
      idle = worked.some(Boolean) ? 0 : idle + 1;
    }
    // Disagreements wait in the adjudication queue for a third reviewer (here an admin).
    const settled = async () => {
      for (;;) {
        const next = await call<Claimed>("POST", `/v1/queues/${queue}.adjudication/claim`, { role: "admin" });
        if (!next.body.review) break;
        const right = truth.get(next.body.review.context.item.case) ?? "approve";
        await call("POST", `/v1/reviews/${next.body.review.reviewId}/verdict`, {
          role: "admin",
          body: { label: right },
        });
      }
      const states = await Promise.all(
        decisions.map(
          async (id) =>
            (await call<{ status: string }>("GET", `/v1/decisions/${id}`, { role: "producer" })).body.status,
        ),
      );
      return states.every((s) => s === "decided") ? true : undefined;
    };
    await eventually(settled, 180_000, "every decision settled").catch(async (error: unknown) => {
      const states = await Promise.all(
        decisions.map(
          async (id) =>
            (await call<{ status: string }>("GET", `/v1/decisions/${id}`, { role: "producer" })).body,
        ),
      );
      throw new Error(
        `${String(error)}: ${JSON.stringify(states.filter((d) => (d as { status: string }).status !== "decided"))}`,
      );
    });
    const expectedKappa = fleissKappa(
      [...blind.values()].map((labels) => LABELS.map((l) => labels.filter((x) => x === l).length)),
    );
    const page = await eventually(
      async () => {
        const answer = await call<{
          reviewers: {
            reviewer: string;
            gold: { items: number; correct: number };
            standing: { status: string } | null;
          }[];
          queues: {
            queue: string;
            items: number;
            summary: { fleiss: { kappa: number }; low: boolean } | null;
          }[];
        }>("GET", `/v1/reviewers?queue=${queue}`, { role: "admin" });
        const q = answer.body.queues.find((x) => x.queue === queue);
        return q?.items === HELD ? answer.body : undefined;
      },
      60_000,
      "the queue's agreement counted",
    );

    // Assert: gold found the weak reviewer within the configured number of gold items
    expect(uploaded).toMatchObject({ added: GOLD_ITEMS, pool: GOLD_ITEMS });
    const weak = team.find((m) => m.name === "r4");
    expect(weak?.paused).toMatch(new RegExp(`paused in queue "${queue}".*of ${GOLD.minGoldItems} right`));
    for (const good of team.filter((m) => m.name !== "r4")) expect(good.paused).toBe("");
    const card = (name: string) => page.reviewers.find((r) => r.reviewer === `reviewer-${name.slice(1)}`);
    expect(card("r4")?.standing?.status).toBe("paused");
    expect(card("r4")?.gold.items).toBe(GOLD.minGoldItems);
    for (const name of ["r1", "r2", "r3"]) expect(card(name)?.standing?.status).toBe("qualified");
    const table = await hitl(cloud.tokens.admin, "reviewers", "--queue", queue);
    expect(table).toMatch(new RegExp(`^${queue}\\s+reviewer-4\\s+paused\\s`, "m"));
    expect(table).toMatch(new RegExp(`^${queue}\\s+reviewer-1\\s+qualified\\s`, "m"));
    // Their verdicts since the evaluation began were reviewed again by the others
    expect(weakReal.length).toBeGreaterThan(0);
    expect(reReviewed).toBe(weakReal.length);
    const trail = await call<{ entries: { action: string; detail?: Record<string, unknown> }[] }>(
      "GET",
      `/v1/decisions/${(await call<{ review: { decisionId: string } }>("GET", `/v1/reviews/${weakReal[0]}`, { role: "admin" })).body.review.decisionId}/audit`,
      { role: "admin" },
    );
    expect(trail.body.entries.map((e) => `${e.action}:${e.detail?.stage ?? ""}`)).toEqual(
      expect.arrayContaining(["re-review:queued", "re-review:reviewed"]),
    );
    // The queue's agreement equals Fleiss' kappa recomputed from the blind verdicts
    const agreement = page.queues.find((q) => q.queue === queue);
    expect(blind.size).toBe(HELD);
    expect(agreement?.summary?.fleiss.kappa).toBeCloseTo(expectedKappa, 10);
    // …and so does the experiment report's kappa family, overall and per arm
    const report = await call<{
      agreement: {
        family: {
          overall: {
            items: number;
            summary: { fleiss: { kappa: number }; alpha: { nominal: { alpha: number } } };
          };
          arms: { arm: string; items: number; summary: { fleiss: { kappa: number } } | null }[];
        };
      };
    }>("GET", `/v1/experiments/${experimentId}/report`, { role: "analyst" });
    const family = report.body.agreement.family;
    expect(family.overall.items).toBe(HELD);
    expect(family.overall.summary.fleiss.kappa).toBeCloseTo(expectedKappa, 10);
    expect(family.overall.summary.alpha.nominal.alpha).toBeCloseTo(nominalAlpha([...blind.values()]), 10);
    for (const arm of family.arms.filter((a) => a.items > 0)) {
      const mine = [...blind.entries()]
        .filter(([id]) => armOf.get(id) === arm.arm)
        .map(([, labels]) => labels);
      expect(arm.items).toBe(mine.length);
      expect(arm.summary?.fleiss.kappa).toBeCloseTo(
        fleissKappa(mine.map((labels) => LABELS.map((l) => labels.filter((x) => x === l).length))),
        10,
      );
    }
  }, 600_000);
});
