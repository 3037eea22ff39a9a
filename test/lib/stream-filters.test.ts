import { marshall } from "@aws-sdk/util-dynamodb";
import { describe, expect, it } from "vitest";
import { toItem } from "../../adapters/dynamodb/decision-store";
import { feedbackItem } from "../../adapters/dynamodb/feedback-store";
import { REVIEW_SK } from "../../adapters/dynamodb/review-store";
import type { CountedRecord } from "../../core/metrics/implied";
import { eventDelta } from "../../core/metrics/implied";
import { DECISIONS_STREAM_FILTERS, REVIEWS_STREAM_FILTERS } from "../../lib/constructs/metrics-pipeline";
import { compileFilters } from "../../local/event-sources/event-pattern";
import { FLOWS, flowWorld } from "../support/review-flows";

/** The item a counted record is stored as, in the table it lives in. */
function itemOf(counted: CountedRecord): Record<string, unknown> {
  switch (counted.kind) {
    case "decision":
      return toItem(counted.record);
    case "feedback":
      return feedbackItem(counted.record);
    case "review":
      return { pk: counted.record.reviewId, sk: REVIEW_SK, ...counted.record };
  }
}

const passes = {
  decisions: compileFilters(DECISIONS_STREAM_FILTERS),
  reviews: compileFilters(REVIEWS_STREAM_FILTERS),
};

describe("the streams' filter criteria", () => {
  it("let every write through that changes what a record implies, over every path of a held decision's life", async () => {
    const dropped: CountedRecord[] = [];
    for (const [name, flow] of Object.entries(FLOWS)) {
      // Arrange
      const run = await flowWorld(flow.overrides);
      await flow.run(run);
      const { w } = run;

      for (const write of w.log.writes) {
        // Act: the stream record Lambda would match, with old and new image
        const counted = write.after ?? write.before;
        if (!counted) continue;
        const record = {
          eventName: write.before ? "MODIFY" : "INSERT",
          dynamodb: {
            ...(write.before
              ? { OldImage: marshall(itemOf(write.before), { removeUndefinedValues: true }) }
              : {}),
            ...(write.after
              ? { NewImage: marshall(itemOf(write.after), { removeUndefinedValues: true }) }
              : {}),
          },
        };
        const kept = counted.kind === "review" ? passes.reviews(record) : passes.decisions(record);

        // Assert: a record the filter drops changes no count
        const delta = eventDelta(write.before, write.after);
        if (!kept) {
          dropped.push(counted);
          expect(delta.added.concat(delta.retracted), `${name}: a dropped ${counted.kind} write`).toEqual([]);
        }
      }
    }
    // Claims and heartbeats (claimed, with a lease holder) and settled decisions are dropped.
    const claims = dropped.filter(
      (c) => c.kind === "review" && c.record.status === "claimed" && c.record.leaseHolder !== undefined,
    );
    expect(claims.length).toBeGreaterThan(0);
    expect(dropped.filter((c) => c.kind === "decision" && c.record.status !== "held").length).toBeGreaterThan(
      0,
    );
  });
});
