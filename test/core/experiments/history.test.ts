import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../../core/audit/entry";
import { experimentHistory } from "../../../core/experiments/history";
import type { Experiment } from "../../../core/experiments/schema";
import { experiment } from "../../support/experiments";

function deps(versions: Experiment[], audit: AuditEntry[]) {
  return {
    experiments: {
      get: async (id: string) => versions.filter((v) => v.id === id).at(-1),
      versions: async (id: string) => [...versions].reverse().filter((v) => v.id === id),
    },
    audit: { list: async (entity: string) => audit.filter((a) => a.entity === entity).reverse() },
  };
}

describe("an experiment's history", () => {
  it("lists every version oldest first with the experiment's audit entries in time order", async () => {
    // Arrange
    const v1 = experiment({ id: "e1" });
    const v2: Experiment = { ...v1, version: 2, status: "paused" };
    const audit: AuditEntry[] = [
      { entity: "experiment#e1", at: "2026-01-01T00:00:00.000Z", actor: "a", action: "experiment-created" },
      { entity: "experiment#e1", at: "2026-01-02T00:00:00.000Z", actor: "guardrail", action: "arm-paused" },
      { entity: "experiment#e2", at: "2026-01-03T00:00:00.000Z", actor: "a", action: "experiment-created" },
    ];

    // Act
    const history = await experimentHistory(deps([v1, v2], audit), "e1");

    // Assert
    expect(history.currentVersion).toBe(2);
    expect(history.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(history.audit.map((a) => a.action)).toEqual(["experiment-created", "arm-paused"]);
  });

  it("is a 404 for an unknown experiment", async () => {
    // Arrange
    const store = deps([], []);

    // Act
    const attempt = experimentHistory(store, "nope");

    // Assert
    await expect(attempt).rejects.toMatchObject({ status: 404 });
  });
});
