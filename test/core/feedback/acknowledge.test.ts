import { describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors";
import { acknowledgeFeedback } from "../../../core/feedback/acknowledge";
import type { FeedbackFeed } from "../../../core/feedback/ports";
import { fixed, fixedMs } from "../../support/clock";
import { correction, feedbackWorld } from "./fixtures";

async function errorOf(run: () => Promise<unknown>): Promise<DomainError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

/** Two corrections produced at 10:00 and 11:00, one of d-3 at 13:00. */
async function threeCorrections() {
  const w = feedbackWorld();
  await w.add(
    correction(1, fixed("2026-11-25T10:00:00.000Z")),
    correction(2, fixed("2026-11-25T11:00:00.000Z")),
    correction(3, fixed("2026-11-25T13:00:00.000Z")),
  );
  return w;
}

describe("acknowledging corrections by id", () => {
  it("appends the model version's ack and emits one event each, carrying the closure time", async () => {
    // Arrange
    const w = await threeCorrections();

    // Act
    const result = await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-1", "fb-review-d-2"],
      modelVersion: "m-8",
      stage: "training",
    });

    // Assert
    expect(result).toEqual({
      stage: "training",
      modelVersion: "m-8",
      at: fixed("2026-11-25T12:00:00.000Z"),
      acknowledged: 2,
      feedbackIds: ["fb-review-d-1", "fb-review-d-2"],
    });
    expect(w.feed.records.get("fb-review-d-1")?.acks).toEqual([
      { stage: "training", modelVersion: "m-8", at: fixed("2026-11-25T12:00:00.000Z") },
    ]);
    expect(w.feed.records.get("fb-review-d-3")?.acks).toBeUndefined();
    expect(w.log.changes().added).toEqual([
      expect.objectContaining({
        type: "feedback.acknowledged",
        id: "feedback.acknowledged:fb-review-d-1:training",
        at: fixed("2026-11-25T12:00:00.000Z"),
        producedAt: fixed("2026-11-25T10:00:00.000Z"),
        enrolled: true,
        modelVersion: "m-8",
      }),
      expect.objectContaining({ id: "feedback.acknowledged:fb-review-d-2:training" }),
    ]);
  });

  it("refuses unknown ids with a 404 naming them, and acknowledges none of the others", async () => {
    // Arrange
    const w = await threeCorrections();

    // Act
    const error = await errorOf(() =>
      acknowledgeFeedback(w.ack, {
        feedbackIds: ["fb-review-d-1", "fb-nope", "fb-gone"],
        modelVersion: "m-8",
        stage: "training",
      }),
    );

    // Assert
    expect(error).toMatchObject({ status: 404, code: "feedback_not_found" });
    expect(error.message).toContain("fb-nope, fb-gone");
    expect(w.feed.records.get("fb-review-d-1")?.acks).toBeUndefined();
    expect(w.log.changes().added).toEqual([]);
    expect(w.models.items.size).toBe(0);
  });

  it("refuses a second ack for the same stage with a 409 naming the ids, and changes nothing", async () => {
    // Arrange
    const w = await threeCorrections();
    await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-1"],
      modelVersion: "m-8",
      stage: "training",
    });
    const before = structuredClone([...w.feed.records.values()]);
    const eventsBefore = w.log.changes().added.length;

    // Act
    const error = await errorOf(() =>
      acknowledgeFeedback(w.ack, {
        feedbackIds: ["fb-review-d-2", "fb-review-d-1"],
        modelVersion: "m-9",
        stage: "training",
      }),
    );

    // Assert
    expect(error).toMatchObject({ status: 409, code: "already_acknowledged" });
    expect(error.message).toContain("fb-review-d-1 (by m-8)");
    expect([...w.feed.records.values()]).toEqual(before);
    expect(w.log.changes().added).toHaveLength(eventsBefore);
  });

  it("acknowledges each stage once per record, leaving the other stages open", async () => {
    // Arrange
    const w = await threeCorrections();
    await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-1"],
      modelVersion: "m-8",
      stage: "training",
    });
    w.clock.advance(3600);

    // Act
    await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-1"],
      modelVersion: "m-8",
      stage: "evaluation",
    });

    // Assert
    expect(w.feed.records.get("fb-review-d-1")?.acks?.map((a) => `${a.stage}@${a.at}`)).toEqual([
      `training@${fixed("2026-11-25T12:00:00.000Z")}`,
      `evaluation@${fixed("2026-11-25T13:00:00.000Z")}`,
    ]);
  });

  it("answers 409 and writes nothing when another request acknowledged an id between the check and the write", async () => {
    // Arrange
    const w = await threeCorrections();
    const racing: FeedbackFeed = {
      ...w.feed,
      page: (q) => w.feed.page(q),
      get: (ids) => w.feed.get(ids),
      unacknowledged: (u, s) => w.feed.unacknowledged(u, s),
      takenInBy: (v) => w.feed.takenInBy(v),
      acknowledge: async (write) => {
        await w.feed.acknowledge({ ...write, acks: write.acks.slice(1), modelVersion: "m-other" });
        return w.feed.acknowledge(write);
      },
    };

    // Act
    const error = await errorOf(() =>
      acknowledgeFeedback(
        { ...w.ack, feed: racing },
        { feedbackIds: ["fb-review-d-1", "fb-review-d-2"], modelVersion: "m-8", stage: "training" },
      ),
    );

    // Assert
    expect(error).toMatchObject({ status: 409, code: "already_acknowledged" });
    expect(error.message).toContain("fb-review-d-2");
    expect(w.feed.records.get("fb-review-d-1")?.acks).toBeUndefined();
    // Only the other request's ack was written, so only it is counted.
    expect(w.log.changes().added).toMatchObject([
      { id: "feedback.acknowledged:fb-review-d-2:training", modelVersion: "m-other" },
    ]);
  });
});

describe("acknowledging corrections up to a time", () => {
  it("acknowledges every record produced up to `until` that the stage has not taken in yet", async () => {
    // Arrange
    const w = await threeCorrections();
    await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-1"],
      modelVersion: "m-7",
      stage: "training",
    });

    // Act
    const result = await acknowledgeFeedback(w.ack, {
      until: fixed("2026-11-25T11:00:00Z"),
      modelVersion: "m-8",
      stage: "training",
    });

    // Assert
    expect(result).toMatchObject({ acknowledged: 1, feedbackIds: ["fb-review-d-2"] });
    expect(w.feed.records.get("fb-review-d-1")?.acks?.map((a) => a.modelVersion)).toEqual(["m-7"]);
    expect(w.feed.records.get("fb-review-d-3")?.acks).toBeUndefined();
  });

  it("acknowledges nothing, without an error, when every record up to then is already acknowledged", async () => {
    // Arrange
    const w = await threeCorrections();
    await acknowledgeFeedback(w.ack, {
      until: fixed("2026-11-25T13:00:00Z"),
      modelVersion: "m-8",
      stage: "training",
    });
    const eventsBefore = w.log.changes().added.length;

    // Act
    const result = await acknowledgeFeedback(w.ack, {
      until: fixed("2026-11-25T13:00:00Z"),
      modelVersion: "m-9",
      stage: "training",
    });

    // Assert
    expect(result).toMatchObject({ acknowledged: 0, feedbackIds: [] });
    expect(w.log.changes().added).toHaveLength(eventsBefore);
  });

  it("acknowledges more records than one write holds, in several writes", async () => {
    // Arrange
    const w = feedbackWorld();
    for (let i = 0; i < 250; i++)
      await w.add(correction(i, new Date(fixedMs("2026-11-25") + i * 1000).toISOString()));

    // Act
    const result = await acknowledgeFeedback(w.ack, {
      until: fixed("2026-11-25"),
      modelVersion: "m-8",
      stage: "evaluation",
    });
    const later = await acknowledgeFeedback(w.ack, {
      until: fixed("2026-11-26"),
      modelVersion: "m-8",
      stage: "evaluation",
    });

    // Assert
    expect(result.acknowledged).toBe(1);
    expect(later.acknowledged).toBe(249);
    expect(w.log.changes().added).toHaveLength(250);
  });
});

describe("what acknowledgements tell deployment confirmation", () => {
  it("flags a model version as awaiting deployment when it took corrections in for training or evaluation", async () => {
    // Arrange
    const w = await threeCorrections();

    // Act
    await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-1"],
      modelVersion: "m-8",
      stage: "training",
    });
    await acknowledgeFeedback(w.ack, {
      feedbackIds: ["fb-review-d-2"],
      modelVersion: "m-9",
      stage: "deployed",
    });

    // Assert
    expect(w.models.items.get("m-8")).toMatchObject({ awaitingDeployment: true, revision: 1 });
    expect(w.models.items.has("m-9")).toBe(false);
  });
});

describe("malformed acknowledgements", () => {
  it.each([
    ["feedbackIds", { modelVersion: "m-8", stage: "training" }],
    [
      "feedbackIds",
      { feedbackIds: ["fb-1"], until: fixed("2026-11-25"), modelVersion: "m-8", stage: "training" },
    ],
    ["feedbackIds", { feedbackIds: [], modelVersion: "m-8", stage: "training" }],
    [
      "feedbackIds",
      { feedbackIds: Array.from({ length: 100 }, (_, i) => `fb-${i}`), modelVersion: "m", stage: "training" },
    ],
    ["until", { until: "last week", modelVersion: "m-8", stage: "training" }],
    ["stage", { until: fixed("2026-11-25"), modelVersion: "m-8", stage: "production" }],
    ["modelVersion", { until: fixed("2026-11-25"), stage: "training" }],
    ["colour", { until: fixed("2026-11-25"), modelVersion: "m-8", stage: "training", colour: "red" }],
  ])("are refused with a 400 naming %s, and nothing is written", async (field, body) => {
    // Arrange
    const w = await threeCorrections();

    // Act
    const error = await errorOf(() => acknowledgeFeedback(w.ack, body));

    // Assert
    expect(error.status).toBe(400);
    expect(error.message).toContain(field);
    expect([...w.feed.records.values()].every((r) => r.acks === undefined)).toBe(true);
    expect(w.log.changes().added).toEqual([]);
  });

  it("refuses an empty body with a 400", async () => {
    // Arrange
    const w = await threeCorrections();

    // Act
    const error = await errorOf(() => acknowledgeFeedback(w.ack, undefined));

    // Assert
    expect(error).toMatchObject({ status: 400, code: "missing_body" });
  });
});
