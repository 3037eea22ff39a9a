import { describe, expect, it } from "vitest";
import { REVIEWERS_SCOPE } from "../../../core/metrics/events";
import { diffCounters, type RebuildInput, rebuildCounters } from "../../../core/metrics/rebuild";
import { FLOWS, flowWorld, type World } from "../../support/review-flows";

/** Every counter the records imply: the experiment's and the reviewer rows (their arms never collide). */
const rebuiltAll = (records: RebuildInput) =>
  new Map([...rebuildCounters(records), ...rebuildCounters({ ...records, scope: REVIEWERS_SCOPE })]);

/** The ids the live path counted, and whether any was counted twice. */
function counted(w: World) {
  const ids = w.log.changes().added.map((e) => e.id);
  return { ids: [...new Set(ids)].sort(), twice: ids.filter((id, i) => ids.indexOf(id) !== i) };
}

describe("a crash between two writes of a state change", () => {
  for (const [name, flow] of Object.entries(FLOWS)) {
    it(`loses and doubles no event at any write boundary of ${name}`, async () => {
      // Arrange: a run without a crash says how many writes there are and what they imply
      const clean = await flowWorld(flow.overrides);
      await flow.run(clean);
      const expected = counted(clean.w);
      expect(expected.twice).toEqual([]);
      expect(
        diffCounters(clean.w.log.liveCounters({ reviewers: true }), rebuiltAll(clean.records())),
      ).toEqual([]);

      for (let crashAfter = 1; crashAfter <= clean.crasher.writes; crashAfter++) {
        // Act: the same life, crashing right after write number `crashAfter` and retried
        const run = await flowWorld(flow.overrides, crashAfter);
        await flow.run(run);

        // Assert: every event once, and the live counters equal what the final records imply
        expect(run.crasher.crashed, `write ${crashAfter} crashed`).toBe(true);
        const live = counted(run.w);
        expect(live.twice, `counted twice after a crash at write ${crashAfter}`).toEqual([]);
        expect(live.ids, `events after a crash at write ${crashAfter}`).toEqual(expected.ids);
        // A retry writes the history the first attempt wrote (same times), never a new version of it.
        expect(run.w.log.changes().retracted, `rewritten after a crash at write ${crashAfter}`).toEqual([]);
        expect(
          diffCounters(run.w.log.liveCounters({ reviewers: true }), rebuiltAll(run.records())),
          `live − rebuilt after a crash at write ${crashAfter}`,
        ).toEqual([]);
      }
    });
  }

  it("never takes an event back without a crash either: every write only adds to what its record implies", async () => {
    for (const flow of Object.values(FLOWS)) {
      const run = await flowWorld(flow.overrides);
      await flow.run(run);
      expect(run.w.log.changes().retracted).toEqual([]);
    }
  });
});
