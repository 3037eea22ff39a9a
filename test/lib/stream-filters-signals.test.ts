import { marshall } from "@aws-sdk/util-dynamodb";
import { describe, expect, it } from "vitest";
import { toItem } from "../../adapters/dynamodb/decision-store";
import { recordSignal } from "../../core/feedback/types/signals";
import { eventDelta } from "../../core/metrics/implied";
import { routeDecision } from "../../core/routing/route-decision";
import { DECISIONS_STREAM_FILTERS } from "../../lib/constructs/metrics-pipeline";
import { compileFilters } from "../../local/event-sources/event-pattern";
import { MemorySignals } from "../support/memory-signals";
import { reviewWorld } from "../support/review-world";

const passes = compileFilters(DECISIONS_STREAM_FILTERS);

describe("the decisions stream's filter and implicit signals", () => {
  it("lets every signal write through, and counts a second complaint as nothing new", async () => {
    // Arrange
    const w = await reviewWorld({
      arms: [{ id: "a", weight: 1, policy: { autoAcceptAbove: 0.5 } }],
      control: "a",
    });
    await routeDecision(w.routing, {
      request: {
        experimentId: w.exp.id,
        unitId: "u",
        decisionId: "d-1",
        item: {},
        prediction: { label: "approve", confidence: 0.9 },
      },
    });
    const deps = {
      store: new MemorySignals(w.decisions),
      experiments: w.experiments,
      reviews: w.reviews,
      audit: w.audit,
      now: w.clock.now,
    };
    const from = w.log.writes.length;

    // Act
    for (const [i, type] of ["accepted", "complained", "complained"].entries())
      await recordSignal(deps, "d-1", { signalId: `s-${i}`, type, at: "2026-11-25T10:00:00Z" }, "p");

    // Assert
    const writes = w.log.writes.slice(from);
    expect(writes).toHaveLength(3);
    for (const write of writes) {
      if (write.before?.kind !== "decision" || write.after?.kind !== "decision")
        throw new Error("not a decision write");
      const record = {
        eventName: "MODIFY",
        dynamodb: {
          OldImage: marshall(toItem(write.before.record), { removeUndefinedValues: true }),
          NewImage: marshall(toItem(write.after.record), { removeUndefinedValues: true }),
        },
      };
      expect(passes(record)).toBe(true);
    }
    // The second complaint adds nothing (one complained decision), the first two add one event each.
    expect(writes.map((x) => eventDelta(x.before, x.after).added.length)).toEqual([1, 1, 0]);
  });
});
