import { describe, expect, it } from "vitest";
import { formatGoldErrors, type GoldParse, parseGoldLines } from "../../../core/reviewers/gold";

const errorText = (result: GoldParse) => (result.ok ? "accepted" : formatGoldErrors(result.errors));

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    item: { claimId: "c-1", amount: 1200, topic: "auto" },
    prediction: { label: "approve", confidence: 0.93, modelVersion: "m-7" },
    label: "deny",
    ...fields,
  });
const options = { queue: "claims", labels: ["approve", "deny", "investigate"] };

describe("parseGoldLines", () => {
  it("reads one gold item per line with its queue, prediction, right label and explanation", () => {
    // Arrange
    const text = [
      line({ goldId: "gold-1", explanation: "The policy lapsed the month before." }),
      "",
      line({ item: { claimId: "c-2", amount: 90 }, label: "approve" }),
    ].join("\n");

    // Act
    const result = parseGoldLines(text, options);

    // Assert
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.items).toHaveLength(2);
    expect(result.items[0]).toEqual({
      goldId: "gold-1",
      queue: "claims",
      item: { claimId: "c-1", amount: 1200, topic: "auto" },
      prediction: { label: "approve", confidence: 0.93, modelVersion: "m-7" },
      label: "deny",
      explanation: "The policy lapsed the month before.",
    });
    expect(result.items[1]?.goldId).toMatch(/^g-[0-9a-f]{24}$/);
    expect(result.items[1]?.explanation).toBeUndefined();
  });

  it("derives the same id from the same content, so an upload repeated is the same items", () => {
    const first = parseGoldLines(line({}), options);
    const again = parseGoldLines(`\uFEFF${line({})}\r\n`, options);
    expect(first.ok && again.ok && first.items[0]?.goldId === again.items[0]?.goldId).toBe(true);
  });

  it("names every bad line by number and field, and accepts nothing", () => {
    // Arrange
    const text = [
      line({}),
      "{not json",
      line({ prediction: { label: "approve", confidence: 1.3 } }),
      line({ label: "maybe" }),
      line({ extra: 1 }),
      JSON.stringify({ item: { amount: 1 }, prediction: { label: "approve", confidence: 0.5 } }),
      "[1, 2]",
    ].join("\n");

    // Act
    const result = parseGoldLines(text, options);

    // Assert
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatGoldErrors(result.errors)).toBe(
      [
        "line 2: is not valid JSON (one gold item per line)",
        "line 3: prediction.confidence: must be a number between 0 and 1, got 1.3",
        'line 4: label: "maybe" is not one of the labels (approve, deny, investigate)',
        "line 5: extra: is not a known field (known fields: goldId, item, prediction, label, explanation)",
        "line 6: label: is required (text)",
        "line 7: must be an object, got a list of 2",
      ].join("\n"),
    );
  });

  it("rejects two lines with the same gold id, naming the first", () => {
    const result = parseGoldLines(
      [line({ goldId: "g" }), line({ goldId: "g", label: "approve" })].join("\n"),
      options,
    );
    expect(result).toEqual({
      ok: false,
      errors: [{ line: 2, path: "goldId", message: '"g" is already the gold item of line 1' }],
    });
  });

  it("rejects an empty upload, an upload with too many items and a line that is too long", () => {
    expect(parseGoldLines("\n  \n", options)).toEqual({
      ok: false,
      errors: [{ line: 0, path: "", message: "the upload holds no gold items" }],
    });
    const three = [1, 2, 3].map((n) => line({ goldId: `g${n}` })).join("\n");
    expect(errorText(parseGoldLines(three, { ...options, maxItems: 2 }))).toBe(
      "upload: holds 3 gold items; one upload may hold at most 2",
    );
    const long = parseGoldLines(line({ explanation: "x".repeat(500) }), { ...options, maxLineLength: 300 });
    expect(long.ok).toBe(false);
    expect(errorText(long)).toMatch(/^line 1: is \d+ characters long; a gold item may have at most 300$/);
  });

  it("lists at most 50 problems and counts the rest", () => {
    const result = parseGoldLines(Array.from({ length: 80 }, () => "nope").join("\n"), options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(51);
    expect(result.errors[50]?.message).toBe("and 30 more problems");
  });

  it("accepts any label when the experiment has none", () => {
    const result = parseGoldLines(line({ label: "anything" }), { queue: "claims" });
    expect(result.ok).toBe(true);
  });
});
