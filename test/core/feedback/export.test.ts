import { describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors";
import { decodeCursor, encodeCursor, exportFeedback, toJsonLines } from "../../../core/feedback/export";
import { fixed } from "../../support/clock";
import { correction, feedbackWorld } from "./fixtures";

/** Follows the cursor from the first page to the last, collecting feedback ids per page. */
async function allPages(w: ReturnType<typeof feedbackWorld>, query: Record<string, string>) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await exportFeedback({ feed: w.feed }, { ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page.records.map((r) => r.feedbackId));
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

async function errorOf(run: () => Promise<unknown>): Promise<DomainError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("exporting corrections", () => {
  it("pages through corrections by production time, then feedback id, following the cursor", async () => {
    // Arrange
    const w = feedbackWorld();
    await w.add(
      correction(3, fixed("2026-11-25T10:00:00.000Z")),
      correction(1, fixed("2026-11-25T11:00:00.000Z")),
      correction(2, fixed("2026-11-25T10:00:00.000Z")),
    );

    // Act
    const pages = await allPages(w, { limit: "1" });

    // Assert
    expect(pages).toEqual([["fb-review-d-2"], ["fb-review-d-3"], ["fb-review-d-1"]]);
  });

  it("gives the last page no cursor, so a full page is never followed by an empty one", async () => {
    // Arrange
    const w = feedbackWorld();
    await w.add(
      correction(1, fixed("2026-11-25T10:00:00.000Z")),
      correction(2, fixed("2026-11-25T11:00:00.000Z")),
    );

    // Act
    const page = await exportFeedback({ feed: w.feed }, { limit: "2" });

    // Assert
    expect(page.records).toHaveLength(2);
    expect(page.nextCursor).toBeUndefined();
  });

  it("starts at `since`, including corrections produced at that very instant", async () => {
    // Arrange
    const w = feedbackWorld();
    await w.add(
      correction(1, fixed("2026-11-25T09:59:59.999Z")),
      correction(2, fixed("2026-11-25T10:00:00.000Z")),
      correction(3, fixed("2026-11-25T11:00:00.000Z")),
    );

    // Act
    const pages = await allPages(w, { since: fixed("2026-11-25T12:00:00+02:00"), limit: "1" });

    // Assert
    expect(pages.flat()).toEqual(["fb-review-d-2", "fb-review-d-3"]);
  });

  it("writes one complete JSON object per line, with the record's fields", async () => {
    // Arrange
    const w = feedbackWorld();
    const record = correction(1, fixed("2026-11-25T10:00:00.000Z"));
    await w.add(record, correction(2, fixed("2026-11-25T11:00:00.000Z")));
    const page = await exportFeedback({ feed: w.feed }, {});

    // Act
    const text = toJsonLines(page.records);

    // Assert
    const lines = text.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(JSON.parse(lines[0] ?? "")).toEqual(record);
  });

  it("hands out cursors that decode to the last record's position", () => {
    // Act
    const cursor = encodeCursor(`${fixed("2026-11-25T10:00:00.000Z")}#fb-review-d-1`);

    // Assert
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(`${fixed("2026-11-25T10:00:00.000Z")}#fb-review-d-1`);
  });

  it.each([
    ["since", { since: "yesterday" }],
    ["since", { since: "2026-02-30T00:00:00Z" }],
    ["since", { since: "2026-11-25T10:00:00" }],
    ["limit", { limit: "0" }],
    ["limit", { limit: "1001" }],
    ["limit", { limit: "2.5" }],
    ["limit", { limit: "ten" }],
    ["cursor", { cursor: "not a cursor" }],
    ["cursor", { cursor: Buffer.from("{}").toString("base64url") }],
    ["cursor", { cursor: encodeCursor("yesterday#fb-1") }],
    ["lmit", { lmit: "10" }],
  ])("refuses a malformed %s with a 400 naming it", async (name, query) => {
    // Arrange
    const w = feedbackWorld();

    // Act
    const error = await errorOf(() => exportFeedback({ feed: w.feed }, query));

    // Assert
    expect(error.status).toBe(400);
    expect(error.details?.map((d) => d.path)).toEqual([name]);
    expect(error.message).toContain(`${name}:`);
  });
});
