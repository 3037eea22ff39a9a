import { describe, expect, it } from "vitest";
import { acknowledgeFeedback } from "../../../core/feedback/acknowledge";
import { confirmDeployment, DeploymentWatch, parseSighting } from "../../../core/feedback/deployment";
import type { ModelVersionRegistry } from "../../../core/feedback/ports";
import { routeDecision } from "../../../core/routing/route-decision";
import { fixed, manualClock } from "../../support/clock";
import { experiment } from "../../support/experiments";
import {
  MemoryAudit,
  MemoryDecisions,
  MemoryExperiments,
  MemoryModelVersions,
  MemorySightings,
} from "../../support/memory";
import { correction, feedbackWorld } from "./fixtures";

/** A registry that counts its reads. */
function countingRegistry(models = new MemoryModelVersions()) {
  let reads = 0;
  const registry: Pick<ModelVersionRegistry, "get"> = {
    get: (v) => {
      reads++;
      return models.get(v);
    },
  };
  return { models, registry, reads: () => reads };
}

describe("the routing path's deployment watch", () => {
  it("sends one sighting for a version awaiting deployment, then trusts what it learnt until the TTL ends", async () => {
    // Arrange
    const { models, registry, reads } = countingRegistry();
    models.flag("m-8");
    const signal = new MemorySightings();
    const clock = manualClock();
    const watch = new DeploymentWatch({ registry, signal, now: clock.now, ttlSeconds: 60 });

    // Act
    await watch.seen("m-8", "d-1", fixed("2026-11-25T12:00:00.000Z"));
    await watch.seen("m-8", "d-2", fixed("2026-11-25T12:00:01.000Z"));
    clock.advance(61);
    await watch.seen("m-8", "d-3", fixed("2026-11-25T12:01:01.000Z"));

    // Assert
    expect(reads()).toBe(2);
    expect(signal.sightings.map((s) => s.decisionId)).toEqual(["d-1", "d-3"]);
  });

  it("sends nothing for a version that took nothing in, or whose deployment is confirmed", async () => {
    // Arrange
    const { models, registry } = countingRegistry();
    models.flag("m-8");
    await models.confirmed("m-8", 1, fixed("2026-11-25T11:00:00.000Z"));
    const signal = new MemorySightings();
    const watch = new DeploymentWatch({ registry, signal, now: manualClock().now });

    // Act
    await watch.seen("m-8", "d-1", fixed("2026-11-25T12:00:00.000Z"));
    await watch.seen("m-1", "d-2", fixed("2026-11-25T12:00:00.000Z"));

    // Assert
    expect(signal.sightings).toEqual([]);
  });

  it("never fails a decision when the registry cannot be read, and looks again with the next decision", async () => {
    // Arrange
    let failing = true;
    const models = new MemoryModelVersions();
    models.flag("m-8");
    const errors: unknown[] = [];
    const signal = new MemorySightings();
    const watch = new DeploymentWatch({
      registry: {
        get: async (v) => {
          if (failing) throw new Error("throttled");
          return models.get(v);
        },
      },
      signal,
      now: manualClock().now,
      onError: (e) => errors.push(e),
    });

    // Act
    await watch.seen("m-8", "d-1", fixed("2026-11-25T12:00:00.000Z"));
    failing = false;
    await watch.seen("m-8", "d-2", fixed("2026-11-25T12:00:00.000Z"));

    // Assert
    expect(errors).toHaveLength(1);
    expect(signal.sightings.map((s) => s.decisionId)).toEqual(["d-2"]);
  });

  it("forgets the oldest versions beyond its size", async () => {
    // Arrange
    const { registry, reads } = countingRegistry();
    const watch = new DeploymentWatch({
      registry,
      signal: new MemorySightings(),
      now: manualClock().now,
      maxVersions: 2,
    });

    // Act
    for (const v of ["m-1", "m-2", "m-3", "m-1"]) await watch.seen(v, "d", fixed("2026-11-25T12:00:00.000Z"));

    // Assert
    expect(reads()).toBe(4);
  });
});

describe("routing a decision", () => {
  it("tells the watch a new decision's model version, and not a replayed one's", async () => {
    // Arrange
    const experiments = new MemoryExperiments();
    await experiments.save(experiment());
    const seen: string[] = [];
    const deps = {
      experiments,
      decisions: new MemoryDecisions(),
      audit: new MemoryAudit(),
      now: manualClock().now,
      newId: () => "gen-1",
      modelVersions: {
        seen: async (modelVersion: string, decisionId: string) => {
          seen.push(`${modelVersion}:${decisionId}`);
        },
      },
    };
    const request = {
      experimentId: "claims-triage",
      unitId: "unit-1",
      decisionId: "d-1",
      item: { topic: "billing" },
      prediction: { label: "approve", confidence: 0.99, modelVersion: "m-8" },
    };

    // Act
    await routeDecision(deps, { request });
    await routeDecision(deps, { request });
    await routeDecision(deps, {
      request: { ...request, decisionId: "d-2", prediction: { label: "approve", confidence: 0.99 } },
    });

    // Assert
    expect(seen).toEqual(["m-8:d-1"]);
  });
});

describe("confirming a deployment", () => {
  async function trained() {
    const w = feedbackWorld();
    await w.add(
      correction(1, fixed("2026-11-25T10:00:00.000Z")),
      correction(2, fixed("2026-11-25T11:00:00.000Z")),
      correction(3, fixed("2026-11-25T11:30:00.000Z")),
    );
    await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-1", "fb-review-d-2"],
      modelVersion: "m-8",
      stage: "training",
    });
    w.log.writes.length = 0;
    return w;
  }

  it("gives every record the version took in a deployed ack by it at the sighting, one event each, and clears the flag", async () => {
    // Arrange
    const w = await trained();

    // Act
    const result = await confirmDeployment(w.confirm, {
      modelVersion: "m-8",
      decisionId: "d-9",
      at: fixed("2026-11-25T14:00:00.000Z"),
    });

    // Assert
    expect(result.confirmed).toEqual(["fb-review-d-1", "fb-review-d-2"]);
    expect(w.feed.records.get("fb-review-d-2")?.acks).toEqual([
      { stage: "training", modelVersion: "m-8", at: fixed("2026-11-25T12:00:00.000Z") },
      { stage: "deployed", modelVersion: "m-8", at: fixed("2026-11-25T14:00:00.000Z") },
    ]);
    expect(w.feed.records.get("fb-review-d-3")?.acks).toBeUndefined();
    expect(w.log.changes().added.map((e) => e.id)).toEqual([
      "feedback.acknowledged:fb-review-d-1:deployed",
      "feedback.acknowledged:fb-review-d-2:deployed",
    ]);
    expect(w.models.items.get("m-8")).toMatchObject({
      awaitingDeployment: false,
      deployedAt: fixed("2026-11-25T14:00:00.000Z"),
    });
  });

  it("leaves a record that already has a deployed ack, and does nothing the second time", async () => {
    // Arrange
    const w = await trained();
    await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-1"],
      modelVersion: "m-7",
      stage: "deployed",
    });
    const sighting = { modelVersion: "m-8", decisionId: "d-9", at: fixed("2026-11-25T14:00:00.000Z") };

    // Act
    const first = await confirmDeployment(w.confirm, sighting);
    const second = await confirmDeployment(w.confirm, sighting);

    // Assert
    expect(first.confirmed).toEqual(["fb-review-d-2"]);
    expect(second.confirmed).toEqual([]);
    expect(w.feed.records.get("fb-review-d-1")?.acks?.find((a) => a.stage === "deployed")?.modelVersion).toBe(
      "m-7",
    );
  });

  it("reads the records again when the version took more in while it was being confirmed", async () => {
    // Arrange
    const w = await trained();
    let calls = 0;
    const feed = Object.create(w.feed) as typeof w.feed;
    feed.takenInBy = async (v) => {
      const records = await w.feed.takenInBy(v);
      if (++calls === 1)
        await acknowledgeFeedback(w.ack, {
          feedbackIds: ["fb-review-d-3"],
          modelVersion: "m-8",
          stage: "evaluation",
        });
      return records;
    };

    // Act
    const result = await confirmDeployment(
      { ...w.confirm, feed },
      { modelVersion: "m-8", decisionId: "d-9", at: fixed("2026-11-25T14:00:00.000Z") },
    );

    // Assert
    expect(result.confirmed.sort()).toEqual(["fb-review-d-1", "fb-review-d-2", "fb-review-d-3"]);
    expect(w.models.items.get("m-8")?.awaitingDeployment).toBe(false);
  });

  it("never dates a deployed ack before the record's own training ack", async () => {
    // Arrange
    const w = await trained();

    // Act
    await confirmDeployment(w.confirm, {
      modelVersion: "m-8",
      decisionId: "d-9",
      at: fixed("2026-11-25T11:59:00.000Z"),
    });

    // Assert
    expect(w.feed.records.get("fb-review-d-1")?.acks?.at(-1)).toMatchObject({
      stage: "deployed",
      at: fixed("2026-11-25T12:00:00.000Z"),
    });
  });
});

describe("sighting messages", () => {
  it("reads a sighting and rejects anything else", () => {
    // Act
    const good = parseSighting(
      JSON.stringify({ modelVersion: "m-8", decisionId: "d-1", at: fixed("2026-11-25T12:00:00.000Z") }),
    );
    const bad = [
      "not json",
      "null",
      JSON.stringify({ modelVersion: "", decisionId: "d", at: fixed("2026-11-25") }),
      '{"modelVersion":"m"}',
    ];

    // Assert
    expect(good).toEqual({ modelVersion: "m-8", decisionId: "d-1", at: fixed("2026-11-25T12:00:00.000Z") });
    for (const body of bad) expect(parseSighting(body), body).toBeUndefined();
  });
});
