import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../../core/audit/entry";
import { conflict } from "../../../core/errors";
import type { Experiment } from "../../../core/experiments/schema";
import { type ArmPausedNotice, type GuardrailDeps, runGuardrails } from "../../../core/guardrails";
import type { CounterRow } from "../../../core/metrics/read";
import type { RollupResult } from "../../../core/metrics/rollup";
import { fixed, fixedDate } from "../../support/clock";
import { experiment, rows } from "../report/fixtures";

/** Versioned like the DynamoDB store: saving version v needs v − 1 to be current. */
class MemoryExperiments {
  readonly versions: Experiment[] = [];
  conflictsToSimulate = 0;

  constructor(private current: Map<string, Experiment>) {}

  async get(id: string) {
    return this.current.get(id);
  }

  async list() {
    return [...this.current.values()];
  }

  async save(next: Experiment) {
    if (this.conflictsToSimulate > 0) {
      this.conflictsToSimulate--;
      // Someone else changed the experiment meanwhile (a description edit).
      const stored = this.current.get(next.id) as Experiment;
      this.current.set(next.id, { ...stored, version: stored.version + 1, description: "edited" });
      throw conflict("version_conflict", "changed meanwhile");
    }
    if (this.current.get(next.id)?.version !== next.version - 1) throw conflict("version_conflict", "stale");
    this.current.set(next.id, next);
    this.versions.push(next);
  }
}

/** Half of the aggressive arm's audits find the model wrong: decision-time quality 0.65 vs control's 1. */
const badArm = (): CounterRow[] => [
  ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
  ...rows("aggressive", 10, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 5 }),
];

function setup(experiments: Experiment[], counters: Record<string, CounterRow[] | Error>) {
  const store = new MemoryExperiments(new Map(experiments.map((e) => [e.id, e])));
  const audit: AuditEntry[] = [];
  const notices: ArmPausedNotice[] = [];
  const deps: GuardrailDeps = {
    experiments: store,
    counters: {
      readExperiment: async (id) => {
        const data = counters[id] ?? [];
        if (data instanceof Error) throw data;
        return data;
      },
    },
    audit: { append: async (entries) => void audit.push(...entries) },
    announcer: { armPaused: async (n) => void notices.push(n) },
    now: () => fixedDate("2026-11-02T10:00:00.000Z"),
  };
  return { deps, store, audit, notices };
}

describe("the scheduled guardrail", () => {
  it("pauses the bad arm in a new config version, appends arm-paused to the experiment's audit trail and announces it", async () => {
    // Arrange
    const { deps, store, audit, notices } = setup([experiment()], { claims: badArm() });

    // Act
    const run = await runGuardrails(deps);

    // Assert
    expect(run).toMatchObject({
      checked: 1,
      paused: [{ experimentId: "claims", arm: "aggressive", version: 2 }],
      errors: [],
    });
    const saved = await store.get("claims");
    expect(saved?.version).toBe(2);
    expect(saved?.updatedAt).toBe(fixed("2026-11-02T10:00:00.000Z"));
    expect(saved?.arms.map((a) => [a.id, a.paused])).toEqual([
      ["conservative", false],
      ["aggressive", true],
    ]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      entity: "experiment#claims",
      actor: "guardrail",
      action: "arm-paused",
      at: fixed("2026-11-02T10:00:00.000Z"),
      detail: { arm: "aggressive", fromVersion: 1, toVersion: 2, margin: 0.01 },
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      type: "arm-paused",
      experimentId: "claims",
      arm: "aggressive",
      control: "conservative",
    });
    expect(notices[0]?.quality.difference).toBeCloseTo(-0.35, 12);
  });

  it("does nothing the second time: the arm is already paused", async () => {
    // Arrange
    const { deps, store, audit, notices } = setup([experiment()], { claims: badArm() });
    await runGuardrails(deps);

    // Act
    const again = await runGuardrails(deps);

    // Assert
    expect(again.paused).toEqual([]);
    expect(store.versions).toHaveLength(1);
    expect(audit).toHaveLength(1);
    expect(notices).toHaveLength(1);
  });

  it("re-reads and keeps a concurrent change when its save loses the version race", async () => {
    // Arrange
    const { deps, store } = setup([experiment()], { claims: badArm() });
    store.conflictsToSimulate = 1;

    // Act
    const run = await runGuardrails(deps);

    // Assert
    expect(run.paused).toEqual([{ experimentId: "claims", arm: "aggressive", version: 3 }]);
    const saved = await store.get("claims");
    expect(saved).toMatchObject({ version: 3, description: "edited" });
    expect(saved?.arms.find((a) => a.id === "aggressive")?.paused).toBe(true);
  });

  it("checks only running experiments, and one failing experiment does not stop the others", async () => {
    // Arrange
    const broken = experiment({ id: "broken" });
    const draft = experiment({ id: "draft", status: "draft" });
    const { deps } = setup([broken, experiment(), draft], {
      broken: new Error("throttled"),
      claims: badArm(),
      draft: badArm(),
    });

    // Act
    const run = await runGuardrails(deps);

    // Assert
    expect(run.checked).toBe(2);
    expect(run.errors).toEqual([{ experimentId: "broken", message: "throttled" }]);
    expect(run.paused.map((p) => p.experimentId)).toEqual(["claims"]);
  });

  it("checks only the experiments it is given", async () => {
    // Arrange
    const other = experiment({ id: "other" });
    const { deps } = setup([experiment(), other], { claims: badArm(), other: badArm() });

    // Act
    const run = await runGuardrails(deps, { experimentIds: ["other"] });

    // Assert
    expect(run.paused.map((p) => p.experimentId)).toEqual(["other"]);
  });

  it("rolls up the sealed days of every experiment it visits, whatever its status, before checking", async () => {
    // Arrange
    const stopped = experiment({ id: "stopped", status: "stopped" });
    const { deps } = setup([experiment(), stopped], { claims: badArm() });
    const order: string[] = [];
    const read = deps.counters.readExperiment;
    deps.counters = {
      readExperiment: async (id) => {
        order.push(`read ${id}`);
        return read(id);
      },
    };
    deps.rollups = {
      rollUp: async (experimentId): Promise<RollupResult> => {
        order.push(`roll up ${experimentId}`);
        return experimentId === "claims"
          ? { experimentId, through: fixed("2026-11-01"), rollups: 2, items: 2, outcome: "rolled-up" }
          : { experimentId, through: fixed("2026-11-01"), rollups: 0, items: 0, outcome: "up-to-date" };
      },
    };

    // Act
    const run = await runGuardrails(deps);

    // Assert
    expect(order).toEqual(["roll up claims", "roll up stopped", "read claims"]);
    expect(run.rolledUp).toEqual({ experiments: 1, rollups: 2 });
    expect(run.checked).toBe(1);
  });

  it("reports a failed roll-up as an error and still checks that experiment", async () => {
    // Arrange
    const { deps } = setup([experiment()], { claims: badArm() });
    deps.rollups = {
      rollUp: async () => {
        throw new Error("throttled");
      },
    };

    // Act
    const run = await runGuardrails(deps);

    // Assert
    expect(run.errors).toEqual([{ experimentId: "claims", message: "roll-up: throttled" }]);
    expect(run.paused.map((p) => p.experimentId)).toEqual(["claims"]);
  });
});
