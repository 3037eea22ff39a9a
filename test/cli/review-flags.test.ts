import { describe, expect, it } from "vitest";
import { verdictBody } from "../../cli/commands/review-flags";

describe("hitl review decide's flags", () => {
  it("build the typed parts of a verdict", () => {
    // Act
    const body = verdictBody({
      correct: "Refunds take 3 days.",
      rubric: "faithful=pass, tone=4",
      prefer: "b",
      notes: "n",
    });

    // Assert
    expect(body).toEqual({
      correction: { accepted: false, output: "Refunds take 3 days." },
      rubric: { faithful: true, tone: 4 },
      pairwise: { choice: "B" },
      notes: "n",
    });
  });

  it("read a JSON correction and edited arguments as JSON", () => {
    // Act
    const body = verdictBody({ correct: '{ "city": "Lyon" }', editArgs: '{"amountUsd":40}' });

    // Assert
    expect(body).toEqual({
      correction: { accepted: false, output: { city: "Lyon" } },
      approval: { action: "edit", arguments: { amountUsd: 40 } },
    });
  });

  it.each([
    [{ rubric: "tone" }, "--rubric"],
    [{ rubric: "tone=great" }, "--rubric"],
    [{ prefer: "C" }, "--prefer"],
    [{ approve: true, reject: true }, "exclude each other"],
    [{ accept: true, correct: "x" }, "exclude each other"],
    [{ editArgs: "{oops" }, "--edit-args"],
  ])("refuse %j naming %s", (flags, words) => {
    // Act
    const attempt = () => verdictBody(flags);

    // Assert
    expect(attempt).toThrow(words);
  });
});
