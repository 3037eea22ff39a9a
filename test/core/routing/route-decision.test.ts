import { beforeEach, describe, expect, it } from "vitest";
import { assignArm } from "../../../core/assignment/assign";
import { routeDecision } from "../../../core/routing/route-decision";
import { fixed, manualClock } from "../../support/clock";
import { experiment } from "../../support/experiments";
import { MemoryAudit, MemoryDecisions, MemoryExperiments } from "../../support/memory";

function setup() {
  const experiments = new MemoryExperiments();
  const decisions = new MemoryDecisions();
  const audit = new MemoryAudit();
  const clock = manualClock();
  let n = 0;
  const deps = { experiments, decisions, audit, now: clock.now, newId: () => `gen-${++n}` };
  return { deps, experiments, decisions, audit, clock };
}

/** A unit id the experiment assigns to `arm` (found by hashing, not hard-coded). */
function unitIn(exp: ReturnType<typeof experiment>, arm: string): string {
  for (let i = 0; i < 1000; i++) if (assignArm(exp, `unit-${i}`).armId === arm) return `unit-${i}`;
  throw new Error(`no unit in ${arm}`);
}

const body = (overrides: Record<string, unknown> = {}) => ({
  experimentId: "claims-triage",
  unitId: "unit-1",
  item: { topic: "billing", amount: 120 },
  prediction: { label: "approve", confidence: 0.97, modelVersion: "m-1" },
  ...overrides,
});

describe("routeDecision", () => {
  let ctx: ReturnType<typeof setup>;
  const exp = experiment();
  beforeEach(async () => {
    ctx = setup();
    await ctx.experiments.save(exp);
  });

  it("automates a confident decision and answers with the predicted label and the reason", async () => {
    // Arrange
    const unitId = unitIn(exp, "conservative");

    // Act
    const result = await routeDecision(ctx.deps, { request: body({ unitId, decisionId: "d-1" }) });

    // Assert
    expect(result).toMatchObject({
      ok: true,
      response: {
        decisionId: "d-1",
        arm: "conservative",
        enrolled: true,
        route: "auto",
        outcome: "approve",
        reason: "confidence 0.97 ≥ 0.95",
        configVersion: 1,
      },
    });
    expect(ctx.decisions.items.get("d-1")?.status).toBe("automated");
  });

  it("holds an unsure decision for a person with a review id and a hold for the workflow", async () => {
    // Arrange
    const unitId = unitIn(exp, "conservative");

    // Act
    const result = await routeDecision(ctx.deps, {
      request: body({ unitId, prediction: { label: "deny", confidence: 0.9 } }),
    });

    // Assert
    if (!result.ok) throw new Error(result.error.message);
    expect(result.response.route).toBe("human");
    expect(result.response.outcome).toBeUndefined();
    expect(result.response.reviewId).toMatch(/^rv-/);
    expect(result.hold).toMatchObject({
      kind: "review",
      queue: "default",
      tierIndex: 0,
      slaSeconds: 3600,
      round: 1,
    });
  });

  it("sends a decision to the same arm's different threshold depending on the unit", async () => {
    // Arrange
    const aggressive = unitIn(exp, "aggressive");

    // Act
    const result = await routeDecision(ctx.deps, {
      request: body({ unitId: aggressive, prediction: { label: "deny", confidence: 0.9 } }),
    });

    // Assert
    expect(result).toMatchObject({
      ok: true,
      response: { arm: "aggressive", route: "auto", reason: "confidence 0.9 ≥ 0.8" },
    });
  });

  it("answers a repeated decision id with the first answer and records it once", async () => {
    // Arrange
    const request = body({ decisionId: "d-repeat", prediction: { label: "deny", confidence: 0.5 } });
    const first = await routeDecision(ctx.deps, { request });

    // Act
    const second = await routeDecision(ctx.deps, { request });

    // Assert
    if (!first.ok || !second.ok) throw new Error("expected success");
    expect(second.response).toEqual(first.response);
    expect(second.replayed).toBe(true);
    expect(second.hold).toEqual(first.hold);
    expect(ctx.decisions.items.size).toBe(1);
  });

  it("keeps the request's receipt time on the record, for the latency the stream counter measures", async () => {
    // Act
    await routeDecision(ctx.deps, {
      request: body({ decisionId: "d-timed" }),
      receivedAt: fixed("2026-11-25T11:59:59.900Z"),
    });

    // Assert
    expect(ctx.decisions.items.get("d-timed")?.receivedAt).toBe(fixed("2026-11-25T11:59:59.900Z"));
  });

  it("refuses a reused decision id with a different body and changes nothing", async () => {
    // Arrange
    await routeDecision(ctx.deps, { request: body({ decisionId: "d-2" }) });
    const before = structuredClone(ctx.decisions.items.get("d-2"));

    // Act
    const result = await routeDecision(ctx.deps, {
      request: body({ decisionId: "d-2", prediction: { label: "deny", confidence: 0.2 } }),
    });

    // Assert
    expect(result).toMatchObject({ ok: false, error: { status: 409, code: "decision_id_reused" } });
    expect(ctx.decisions.items.get("d-2")).toEqual(before);
  });

  it("rejects an unknown experiment with 404 and writes nothing", async () => {
    // Act
    const result = await routeDecision(ctx.deps, { request: body({ experimentId: "nope" }) });

    // Assert
    expect(result).toMatchObject({
      ok: false,
      error: { status: 404, message: 'experiment "nope" does not exist' },
    });
    expect(ctx.decisions.items.size).toBe(0);
    expect(ctx.audit.entries).toEqual([]);
  });

  it("rejects a decision for an experiment that is not running with 409", async () => {
    // Arrange
    await ctx.experiments.save({ ...exp, status: "paused" });

    // Act
    const result = await routeDecision(ctx.deps, { request: body() });

    // Assert
    expect(result).toMatchObject({ ok: false, error: { status: 409, code: "experiment_not_running" } });
    expect(ctx.decisions.items.size).toBe(0);
  });

  it("names the field when the confidence is not a probability", async () => {
    // Act
    const result = await routeDecision(ctx.deps, {
      request: body({ prediction: { label: "approve", confidence: 1.5 } }),
    });

    // Assert
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.status).toBe(400);
    expect(result.error.message).toContain("prediction.confidence");
    expect(ctx.decisions.items.size).toBe(0);
  });

  it("keeps units outside the coverage out of the comparison but routes them with the control policy", async () => {
    // Arrange
    await ctx.experiments.save({ ...exp, coverage: 0 });

    // Act
    const result = await routeDecision(ctx.deps, {
      request: body({ prediction: { label: "x", confidence: 0.9 } }),
    });

    // Assert
    expect(result).toMatchObject({
      ok: true,
      response: { arm: "conservative", enrolled: false, route: "human" },
    });
  });

  it("records the config version the decision was routed with", async () => {
    // Arrange
    await ctx.experiments.save({ ...exp, version: 7 });

    // Act
    const result = await routeDecision(ctx.deps, { request: body({ decisionId: "d-v" }) });

    // Assert
    expect(result).toMatchObject({ ok: true, response: { configVersion: 7 } });
    expect(ctx.decisions.items.get("d-v")?.configVersion).toBe(7);
  });

  it("appends created and routed entries to the audit trail", async () => {
    // Act
    await routeDecision(ctx.deps, { request: body({ decisionId: "d-a" }), actor: "producer-1" });

    // Assert
    expect(ctx.audit.entries.map((e) => [e.entity, e.action, e.actor])).toEqual([
      ["decision#d-a", "created", "producer-1"],
      ["decision#d-a", "routed", "router"],
    ]);
  });

  it("generates a decision id when the producer sends none", async () => {
    // Act
    const result = await routeDecision(ctx.deps, { request: body() });

    // Assert
    expect(result).toMatchObject({ ok: true, response: { decisionId: "gen-1" } });
  });
});
