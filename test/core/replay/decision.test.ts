import { describe, expect, it } from "vitest";
import { parseDecisionLine } from "../../../core/replay/decision";

describe("parseDecisionLine", () => {
  it("reads a complete decision and ignores fields it does not know", () => {
    // Arrange
    const line =
      '{"id":"d-1","confidence":0.93,"label":"approve","truth":"reject","topic":"legal","costUsd":0.002,"handlingSeconds":75.5}';

    // Act
    const parsed = parseDecisionLine(line);

    // Assert
    expect(parsed).toEqual({
      ok: true,
      value: {
        confidence: 0.93,
        label: "approve",
        truth: "reject",
        topic: "legal",
        costUsd: 0.002,
        handlingSeconds: 75.5,
      },
    });
  });

  it("accepts numeric and boolean labels and treats null optional fields as absent", () => {
    // Act
    const numeric = parseDecisionLine('{"confidence":0,"label":1,"truth":0,"topic":null,"costUsd":null}');
    const boolean = parseDecisionLine('{"confidence":1,"label":true,"truth":true,"handlingSeconds":null}');

    // Assert
    expect(numeric).toEqual({ ok: true, value: { confidence: 0, label: 1, truth: 0 } });
    expect(boolean).toEqual({ ok: true, value: { confidence: 1, label: true, truth: true } });
  });

  it.each([
    ['{"confidence":0.9,"label":"a"', "not valid JSON"],
    ["[1, 2]", "expected a JSON object, got an array"],
    ["42", "expected a JSON object, got 42"],
    ['{"label":"a","truth":"a"}', "confidence: missing"],
    [
      '{"confidence":"0.9","label":"a","truth":"a"}',
      'confidence: must be a number between 0 and 1, got "0.9"',
    ],
    ['{"confidence":1.2,"label":"a","truth":"a"}', "confidence: must be a number between 0 and 1, got 1.2"],
    [
      '{"confidence":0.9,"label":{"x":1},"truth":"a"}',
      "label: must be a string, number or boolean, got an object",
    ],
    ['{"confidence":0.9,"label":"a"}', "truth: missing"],
    ['{"confidence":0.9,"label":"1","truth":1}', "label and truth have different types (string vs number)"],
    ['{"confidence":0.9,"label":"a","truth":"a","topic":7}', "topic: must be a string, got 7"],
    ['{"confidence":0.9,"label":"a","truth":"a","costUsd":-1}', "costUsd: must be a number >= 0, got -1"],
    [
      '{"confidence":0.9,"label":"a","truth":"a","handlingSeconds":"90"}',
      'handlingSeconds: must be a number >= 0, got "90"',
    ],
  ])("rejects %s because of: %s", (line, reason) => {
    expect(parseDecisionLine(line)).toEqual({ ok: false, reason });
  });

  it("names every problem of a line at once, separated by semicolons", () => {
    // Act
    const parsed = parseDecisionLine('{"confidence":null,"truth":[]}');

    // Assert
    expect(parsed).toEqual({
      ok: false,
      reason:
        "confidence: must be a number between 0 and 1, got null; label: missing; " +
        "truth: must be a string, number or boolean, got an array",
    });
  });
});
