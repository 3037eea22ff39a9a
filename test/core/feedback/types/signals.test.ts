import { describe, expect, it } from "vitest";
import { typedQuality } from "../../../../core/feedback/types/quality";
import { recordSignal } from "../../../../core/feedback/types/signals";
import { armMetrics } from "../../../../core/metrics/read";
import { rebuildCounters } from "../../../../core/metrics/rebuild";
import { routeDecision } from "../../../../core/routing/route-decision";
import { MemorySignals } from "../../../support/memory-signals";
import { reviewWorld } from "../../../support/review-world";

/** A world with `n` automated decisions d-0 … d-(n-1), all in one arm, and its signal deps. */
async function automated(n: number, overrides: Record<string, unknown> = {}) {
  const w = await reviewWorld({
    arms: [{ id: "only", weight: 1, policy: { autoAcceptAbove: 0.5 } }],
    control: "only",
    ...overrides,
  });
  for (let i = 0; i < n; i++) {
    const result = await routeDecision(w.routing, {
      request: {
        experimentId: w.exp.id,
        unitId: `u-${i}`,
        decisionId: `d-${i}`,
        item: {},
        prediction: { label: "approve", confidence: 0.9 },
      },
    });
    if (!result.ok || result.response.route !== "auto") throw new Error("not automated");
  }
  const store = new MemorySignals(w.decisions);
  const deps = { store, experiments: w.experiments, reviews: w.reviews, audit: w.audit, now: w.clock.now };
  const send = (decisionId: string, body: Record<string, unknown>) =>
    recordSignal(deps, decisionId, body, "producer-1");
  return { w, store, send };
}

const at = "2026-11-25T10:00:00Z";

describe("implicit signals", () => {
  it("counts each decision once per signal type and arm, live as rebuilt, with rates and intervals", async () => {
    // Arrange
    const { w, send } = await automated(4);

    // Act
    await send("d-0", { signalId: "s-1", type: "accepted", at });
    await send("d-1", { signalId: "s-2", type: "accepted", at });
    await send("d-2", { signalId: "s-3", type: "complained", at, detail: { channel: "chat" } });
    await send("d-2", { signalId: "s-4", type: "complained", at });
    await send("d-3", { signalId: "s-5", type: "reverted", at });

    // Assert
    const live = w.log.liveCounters().get("only") ?? {};
    expect(w.log.liveCounters()).toEqual(rebuildCounters(w.records()));
    const rates = typedQuality(live, undefined).signals;
    expect(rates?.decisions).toBe(4);
    expect(rates?.acceptance).toMatchObject({ count: 2, n: 4, value: 0.5 });
    expect(rates?.complaint).toMatchObject({ count: 1, n: 4 });
    expect(rates?.automated.decisions).toBe(4);
    expect(rates?.acceptance.interval[0]).toBeLessThan(0.5);
  });

  it("stores a signal once: the same id again is a replay, with another body a 409", async () => {
    // Arrange
    const { w, send } = await automated(1);
    await send("d-0", { signalId: "s-1", type: "accepted", at });

    // Act
    const again = await send("d-0", { signalId: "s-1", type: "accepted", at: "2026-11-25T11:00:00+01:00" });
    const other = send("d-0", { signalId: "s-1", type: "reverted", at });

    // Assert
    expect(again.replayed).toBe(true);
    await expect(other).rejects.toMatchObject({ status: 409, code: "signal_exists" });
    expect(w.decisions.items.get("d-0")).toMatchObject({ signalCount: 1 });
  });

  it("keeps both of two signals that race for the same decision", async () => {
    // Arrange
    const { w, store, send } = await automated(1);
    await send("d-0", { signalId: "s-1", type: "accepted", at });
    store.racesToLose = 1;

    // Act
    await send("d-0", { signalId: "s-2", type: "edited", at });

    // Assert
    expect(w.decisions.items.get("d-0")).toMatchObject({ signalCount: 2 });
  });

  it.each([
    [{ type: "accepted", at }, "signalId"],
    [{ signalId: "s 1", type: "accepted", at }, "signalId"],
    [{ signalId: "s-1", type: "liked", at }, "type"],
    [{ signalId: "s-1", type: "accepted", at: "yesterday" }, "at"],
    [{ signalId: "s-1", type: "accepted", at, extra: 1 }, "extra"],
  ])("refuses %j with a 400 naming %s, writing nothing", async (body, path) => {
    // Arrange
    const { w, send } = await automated(1);
    const before = structuredClone(w.decisions.items.get("d-0"));

    // Act
    const attempt = send("d-0", body);

    // Assert
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ path })],
    });
    expect(w.decisions.items.get("d-0")).toEqual(before);
  });

  it("answers 404 for an unknown decision and 409 for one still held", async () => {
    // Arrange
    const { w, send } = await automated(0);
    await w.hold({ decisionId: "held-1", prediction: { label: "approve", confidence: 0.2 } });

    // Act
    const unknown = send("nope", { signalId: "s-1", type: "accepted", at });
    const held = send("held-1", { signalId: "s-1", type: "accepted", at });

    // Assert
    await expect(unknown).rejects.toMatchObject({ status: 404 });
    await expect(held).rejects.toMatchObject({ status: 409, code: "decision_not_settled" });
  });

  it("marks the automated outcome wrong for quality when the experiment treats signals as ground truth", async () => {
    // Arrange
    const { w, send } = await automated(2, { signals: { asGroundTruth: true } });

    // Act
    await send("d-0", { signalId: "s-1", type: "reverted", at });
    await send("d-0", { signalId: "s-2", type: "complained", at });
    await send("d-1", { signalId: "s-3", type: "accepted", at });

    // Assert: one of two automated outcomes is known wrong (counted once), the other unknown
    const live = w.log.liveCounters().get("only") ?? {};
    expect(w.log.liveCounters()).toEqual(rebuildCounters(w.records()));
    const quality = armMetrics("only", "run", live).quality;
    expect(quality.groundTruth.auto).toEqual({ attached: 1, correct: 0 });
    expect(quality.interval[1]).toBeLessThanOrEqual(0.5);
  });

  it("leaves quality alone when the experiment does not say so", async () => {
    // Arrange
    const { w, send } = await automated(1);

    // Act
    await send("d-0", { signalId: "s-1", type: "reverted", at });

    // Assert
    const live = w.log.liveCounters().get("only") ?? {};
    expect(armMetrics("only", "run", live).quality.groundTruth.auto).toEqual({ attached: 0, correct: 0 });
  });
});
