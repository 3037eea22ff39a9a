import { describe, expect, it } from "vitest";
import { isTextField } from "../../console/src/dom";
import {
  apiBase,
  apiErrorMessage,
  displayValue,
  formatAge,
  formatClock,
  formatPercent,
  heartbeatIntervalMs,
  type KeyInput,
  keyAction,
  labelInput,
  predictionBars,
  slaCountdown,
} from "../../console/src/logic";
import { fixed, fixedMs } from "../support/clock";

const prediction = {
  label: "approve",
  confidence: 0.72,
  alternatives: [
    { label: "deny", confidence: 0.2 },
    { label: "escalate", confidence: 0.08 },
  ],
};

describe("the SLA countdown", () => {
  it("formats seconds as minutes, hours and days on a clock", () => {
    // Arrange
    const durations = [0, 5, 65, 3600, 3723, 90_061, 59.9, -3];

    // Act
    const clocks = durations.map(formatClock);

    // Assert
    expect(clocks).toEqual(["0:00", "0:05", "1:05", "1:00:00", "1:02:03", "1d 01:01:01", "0:59", "0:00"]);
  });

  it("counts down to the deadline while more than a fifth of the tier's time is left", () => {
    // Arrange
    const enqueuedAt = fixed("2026-11-25T12:00:00.000Z");
    const deadline = fixed("2026-11-25T13:00:00.000Z");
    const now = fixedMs("2026-11-25T12:10:00.000Z");

    // Act
    const countdown = slaCountdown(deadline, enqueuedAt, now);

    // Assert
    expect(countdown).toEqual({ text: "50:00 left", state: "ok", secondsLeft: 3000 });
  });

  it("turns near in the last fifth of the tier's time, as the queues' near-SLA count does", () => {
    // Arrange
    const enqueuedAt = fixed("2026-11-25T12:00:00.000Z");
    const deadline = fixed("2026-11-25T13:00:00.000Z");

    // Act
    const justBefore = slaCountdown(deadline, enqueuedAt, fixedMs("2026-11-25T12:47:59.000Z"));
    const atTheMark = slaCountdown(deadline, enqueuedAt, fixedMs("2026-11-25T12:48:00.000Z"));

    // Assert
    expect(justBefore.state).toBe("ok");
    expect(atTheMark).toEqual({ text: "12:00 left", state: "near", secondsLeft: 720 });
  });

  it("says by how much an item is overdue once the deadline has passed", () => {
    // Arrange
    const deadline = fixed("2026-11-25T13:00:00.000Z");

    // Act
    const countdown = slaCountdown(
      deadline,
      fixed("2026-11-25T12:00:00.000Z"),
      fixedMs("2026-11-25T13:01:05.500Z"),
    );

    // Assert
    expect(countdown).toMatchObject({ text: "overdue by 1:06", state: "past" });
  });

  it("shows no countdown for an item without a readable deadline", () => {
    // Arrange
    const deadline = "not a date";

    // Act
    const countdown = slaCountdown(deadline, "", 0);

    // Assert
    expect(countdown).toMatchObject({ text: "no deadline", state: "ok" });
  });
});

describe("queue figures", () => {
  it("round a queue's oldest age to what can be read at a glance", () => {
    // Arrange
    const ages = [0, 42, 60, 754, 3600, 7500, 86_400, 277_200];

    // Act
    const texts = ages.map(formatAge);

    // Assert
    expect(texts).toEqual([
      "0 s",
      "42 s",
      "1 min",
      "12 min",
      "1 h 00 min",
      "2 h 05 min",
      "1 d 0 h",
      "3 d 5 h",
    ]);
  });

  it("show confidences as percentages with at most one decimal, clamped to 0..100", () => {
    // Arrange
    const shares = [0.9, 0.1234, 1, 0, 1.2, -0.1];

    // Act
    const texts = shares.map(formatPercent);

    // Assert
    expect(texts).toEqual(["90%", "12.3%", "100%", "0%", "100%", "0%"]);
  });
});

describe("label buttons", () => {
  it("offer the experiment's labels in order with the digits 1 to 9, marking the model's prediction", () => {
    // Arrange
    const labels = ["approve", "deny", "escalate"];

    // Act
    const input = labelInput(labels, prediction);

    // Assert
    expect(input).toEqual({
      kind: "buttons",
      choices: [
        { label: "approve", shortcut: "1", predicted: true },
        { label: "deny", shortcut: "2", predicted: false },
        { label: "escalate", shortcut: "3", predicted: false },
      ],
    });
  });

  it("give no shortcut to labels after the ninth and list each label once", () => {
    // Arrange
    const labels = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "a", ""];

    // Act
    const input = labelInput(labels, prediction);

    // Assert
    if (input.kind !== "buttons") throw new Error("expected buttons");
    expect(input.choices.map((c) => c.label)).toEqual(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
    expect(input.choices[8]?.shortcut).toBe("9");
    expect(input.choices[9]?.shortcut).toBeUndefined();
  });

  it("become a free-text field suggesting the model's labels when the experiment allows any label", () => {
    // Arrange
    const labels: string[] = [];

    // Act
    const input = labelInput(labels, prediction);

    // Assert
    expect(input).toEqual({ kind: "free", suggestions: ["approve", "deny", "escalate"] });
  });
});

describe("keyboard shortcuts", () => {
  const plain = (key: string, extra: Partial<KeyInput> = {}): KeyInput => ({
    key,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    inTextField: false,
    ...extra,
  });

  it("pick the label whose number is pressed, for as many labels as there are", () => {
    // Arrange
    const labelCount = 3;

    // Act
    const actions = ["1", "3", "4", "0"].map((key) => keyAction(plain(key), labelCount));

    // Assert
    expect(actions).toEqual([{ type: "label", index: 0 }, { type: "label", index: 2 }, undefined, undefined]);
  });

  it("release the item with r and decide it with Ctrl+Enter or Cmd+Enter", () => {
    // Arrange
    const keys = [
      plain("r"),
      plain("R"),
      plain("Enter", { ctrlKey: true }),
      plain("Enter", { metaKey: true }),
    ];

    // Act
    const actions = keys.map((key) => keyAction(key, 2));

    // Assert
    expect(actions).toEqual([
      { type: "release" },
      { type: "release" },
      { type: "decide" },
      { type: "decide" },
    ]);
  });

  it("leave keys alone while the reviewer types, except Ctrl+Enter to decide from the notes", () => {
    // Arrange
    const typing = { inTextField: true };

    // Act
    const digit = keyAction(plain("1", typing), 2);
    const letter = keyAction(plain("r", typing), 2);
    const submit = keyAction(plain("Enter", { ...typing, ctrlKey: true }), 2);

    // Assert
    expect([digit, letter, submit]).toEqual([undefined, undefined, { type: "decide" }]);
  });

  it("leave the browser's own modified shortcuts alone", () => {
    // Arrange
    const keys = [plain("r", { ctrlKey: true }), plain("1", { altKey: true }), plain("r", { metaKey: true })];

    // Act
    const actions = keys.map((key) => keyAction(key, 2));

    // Assert
    expect(actions).toEqual([undefined, undefined, undefined]);
  });

  it("count text inputs and text areas as typing, but not radio buttons", () => {
    // Arrange
    const targets = [
      { tagName: "TEXTAREA" },
      { tagName: "INPUT", type: "text" },
      { tagName: "INPUT", type: "radio" },
      { tagName: "BUTTON" },
      { tagName: "DIV", isContentEditable: true },
      null,
    ];

    // Act
    const typing = targets.map(isTextField);

    // Assert
    expect(typing).toEqual([true, true, false, false, true, false]);
  });
});

describe("the prediction bars", () => {
  it("list the prediction and its alternatives, most likely first, each label once", () => {
    // Arrange
    const withDuplicate = {
      label: "deny",
      confidence: 0.55,
      alternatives: [
        { label: "approve", confidence: 0.4 },
        { label: "deny", confidence: 0.9 },
      ],
    };

    // Act
    const bars = predictionBars(withDuplicate);

    // Assert
    expect(bars).toEqual([
      { label: "deny", confidence: 0.55, percent: "55%", predicted: true },
      { label: "approve", confidence: 0.4, percent: "40%", predicted: false },
    ]);
  });
});

describe("the heartbeat", () => {
  it("beats every third of the lease, at most once a second", () => {
    // Arrange
    const leases = [600, 30, 1, 0, Number.NaN];

    // Act
    const intervals = leases.map(heartbeatIntervalMs);

    // Assert
    expect(intervals).toEqual([200_000, 10_000, 1000, 10_000, 10_000]);
  });
});

describe("error messages", () => {
  it("show the API's own error message", () => {
    // Arrange
    const body = { error: { code: "lease_expired", message: "your lease on review rv-1 expired" } };

    // Act
    const message = apiErrorMessage(409, body);

    // Assert
    expect(message).toBe("your lease on review rv-1 expired");
  });

  it("show API Gateway's message with the status when the authorizer refuses", () => {
    // Arrange
    const body = { message: "Unauthorized" };

    // Act
    const message = apiErrorMessage(401, body);

    // Assert
    expect(message).toBe("Unauthorized (HTTP 401)");
  });

  it("fall back to the status when the body says nothing", () => {
    // Arrange
    const body = undefined;

    // Act
    const message = apiErrorMessage(502, body);

    // Assert
    expect(message).toBe("the API answered HTTP 502");
  });
});

describe("item fields and paths", () => {
  it("show text as is and anything structured as compact JSON", () => {
    // Arrange
    const values = ["legal", 12_000, true, null, { city: "Lyon" }, [1, 2]];

    // Act
    const texts = values.map(displayValue);

    // Assert
    expect(texts).toEqual(["legal", "12000", "true", "null", '{"city":"Lyon"}', "[1,2]"]);
  });

  it("find the API next to the console, on the default stage or under a named one", () => {
    // Arrange
    const paths = ["/console", "/prod/console", "/console/"];

    // Act
    const bases = paths.map(apiBase);

    // Assert
    expect(bases).toEqual(["/", "/prod/", "/"]);
  });
});
