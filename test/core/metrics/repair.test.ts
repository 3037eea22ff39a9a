import { describe, expect, it } from "vitest";
import type { CounterRow } from "../../../core/metrics/read";
import { diffCounters, liveCounters } from "../../../core/metrics/rebuild";
import { type RepairDeps, repairCounters, repairDeltas } from "../../../core/metrics/repair";
import { fixed, fixedDate } from "../../support/clock";
import { MemoryAudit } from "../../support/memory";

/** A counter row of fixture hour `hour` (shifted like every fixture time). */
const row = (hour: string, counters: Record<string, number>, arm = "a"): CounterRow => ({
  arm,
  hour: fixed(hour),
  counters,
});

describe("the corrections a repair writes", () => {
  it("moves each differing counter to what the records imply, hour by hour", () => {
    // Arrange: two verdicts lost at 12:00, one override counted twice at 13:00
    const live = [
      row("2026-11-25T12", { decisions: 5, verdicts: 1 }),
      row("2026-11-25T13", { overrides: 2 }),
    ];
    const rebuilt = [
      row("2026-11-25T12", { decisions: 5, verdicts: 3 }),
      row("2026-11-25T13", { overrides: 1 }),
    ];
    const differences = diffCounters(liveCounters(live), liveCounters(rebuilt));

    // Act
    const deltas = repairDeltas(live, rebuilt, differences);

    // Assert
    expect(deltas).toEqual([
      { arm: "a", hour: fixed("2026-11-25T12"), counters: { verdicts: 2 } },
      { arm: "a", hour: fixed("2026-11-25T13"), counters: { overrides: -1 } },
    ]);
  });

  it("leaves a counter alone that agrees over the run though its hours differ", () => {
    const live = [row("2026-11-25T12", { units: 1 }), row("2026-11-25T13", { decisions: 1 })];
    const rebuilt = [row("2026-11-25T12", {}), row("2026-11-25T13", { units: 1, decisions: 2 })];

    const deltas = repairDeltas(live, rebuilt, diffCounters(liveCounters(live), liveCounters(rebuilt)));

    expect(deltas).toEqual([{ arm: "a", hour: fixed("2026-11-25T13"), counters: { decisions: 1 } }]);
  });
});

describe("repairing an experiment's counters", () => {
  /** Live rows as successive reads return them; no records, so the rebuild implies nothing. */
  function deps(live: CounterRow[][]) {
    const writes: unknown[] = [];
    const resets: string[] = [];
    const audit = new MemoryAudit();
    let reads = 0;
    const d: RepairDeps = {
      records: async () => ({ decisions: [], reviews: [], feedback: [] }),
      live: async () => live[Math.min(reads++, live.length - 1)] ?? [],
      apply: async (write) => {
        writes.push(write);
        return { committed: 1, alreadyApplied: 0 };
      },
      audit,
      rollups: {
        reset: async (id) => {
          resets.push(id);
          return 1;
        },
      },
      now: () => fixedDate("2026-11-25T15:00:00.000Z"),
      newId: () => "repair-1",
      sleep: async () => undefined,
    };
    return { d, writes, resets, audit };
  }

  it("writes the corrections once, audits them on the experiment and resets its roll-ups", async () => {
    // Arrange: live counters hold decisions the records do not (rebuild of no records: none)
    const { d, writes, resets, audit } = deps([[row("2026-11-25T12", { decisions: 2, events: 2 })]]);

    // Act
    const outcome = await repairCounters(d, "exp-1", { actor: "cli:ops", settleMs: 10 });

    // Assert
    expect(outcome).toMatchObject({ repairId: "repair-1", committed: 1 });
    expect(writes).toEqual([
      {
        repairId: "repair-1",
        at: fixed("2026-11-25T15:00:00.000Z"),
        deltas: [{ arm: "a", hour: fixed("2026-11-25T12"), counters: { decisions: -2, events: -2 } }],
      },
    ]);
    expect(audit.entries).toMatchObject([
      {
        entity: "experiment#exp-1",
        actor: "cli:ops",
        action: "metrics-repaired",
        detail: { repairId: "repair-1", differences: 2, corrections: 1 },
      },
    ]);
    expect(resets).toEqual(["exp-1"]);
  });

  it("writes nothing while counting is still moving the counters, and says so", async () => {
    // Arrange: the stream counts one more decision between the two comparisons
    const { d, writes, audit } = deps([
      [row("2026-11-25T12", { decisions: 2 })],
      [row("2026-11-25T12", { decisions: 3 })],
    ]);

    // Act
    const outcome = await repairCounters(d, "exp-1", { actor: "cli", settleMs: 10 });

    // Assert
    expect(outcome.refused).toContain("still moving");
    expect(writes).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it("does nothing when live and rebuilt counters agree", async () => {
    const { d, writes, resets } = deps([[]]);

    const outcome = await repairCounters(d, "exp-1", { actor: "cli", settleMs: 10 });

    expect(outcome).toMatchObject({ differences: [], committed: 0 });
    expect(writes).toEqual([]);
    expect(resets).toEqual([]);
  });
});
