import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors";
import {
  assertMayClaim,
  minGoldToJudge,
  newQualification,
  passProbability,
  type Qualification,
  type QualificationSettings,
  type QualificationTransition,
  qualify,
} from "../../../core/reviewers/qualification";
import { fixed } from "../../support/clock";

const SETTINGS: QualificationSettings = { minAccuracy: 0.7, minGoldItems: 10, reReviewWhenPaused: true };
const at = (minute: number) => fixed(`2026-11-25T12:${String(minute).padStart(2, "0")}:00.000Z`);

/** Feeds gold verdicts (true = right) one minute apart, starting at minute `from`. */
function answer(state: Qualification, answers: readonly boolean[], settings = SETTINGS, from = 1) {
  const transitions: QualificationTransition[] = [];
  let current = state;
  answers.forEach((correct, i) => {
    const step = qualify(current, { type: "gold-verdict", correct, at: at(from + i) }, settings);
    current = step.state;
    if (step.transition) transitions.push(step.transition);
  });
  return { state: current, transitions };
}

const start = () => newQualification("rev-1", "claims", at(0), SETTINGS);
const times = (n: number, correct: boolean) => Array.from({ length: n }, () => correct);

describe("qualification for a queue", () => {
  it("starts qualifying, and qualified at once in a queue without a minimum", () => {
    expect(start()).toMatchObject({ status: "qualifying", gold: 0, since: at(0) });
    expect(newQualification("rev-1", "claims", at(0), undefined).status).toBe("qualified");
    expect(newQualification("rev-1", "claims", at(0), { ...SETTINGS, minAccuracy: undefined }).status).toBe(
      "qualified",
    );
  });

  it("waits for the minimum number of gold items before judging", () => {
    // Act: 9 wrong answers are not yet a judgement
    const { state, transitions } = answer(start(), times(9, false));

    // Assert
    expect(state).toMatchObject({ status: "qualifying", gold: 9, goldCorrect: 0 });
    expect(transitions).toEqual([]);
  });

  it("qualifies when the Wilson lower bound reaches the minimum, and says why", () => {
    // Act: 10 of 10 right → lower bound 10/(10 + 1.96²) = 0.72
    const { state, transitions } = answer(start(), times(10, true));

    // Assert
    expect(state).toMatchObject({
      status: "qualified",
      lastPassAt: at(10),
      changedAt: at(10),
      changedBy: "system",
    });
    expect(transitions).toEqual([
      {
        from: "qualifying",
        to: "qualified",
        by: "system",
        at: at(10),
        reason:
          "gold accuracy 1.00 (10 of 10 right; 95% Wilson lower bound 0.72) meets the queue's minimum 0.70",
      },
    ]);
  });

  it("pauses below the minimum and sends every verdict since the evaluation began for re-review", () => {
    // Act: 6 of 10 right → lower bound 0.31
    const { state, transitions } = answer(start(), [...times(6, true), ...times(4, false)]);

    // Assert
    expect(state.status).toBe("paused");
    expect(transitions).toEqual([
      {
        from: "qualifying",
        to: "paused",
        by: "system",
        at: at(10),
        reason:
          "gold accuracy 0.60 (6 of 10 right; 95% Wilson lower bound 0.31) is below the queue's minimum 0.70",
        reReview: { from: at(0), to: at(10) },
      },
    ]);
  });

  it("re-checks at every later gold verdict: a pass moves the last passing check, a fail re-reviews only since then", () => {
    // Arrange: qualified at minute 12 (12 of 12), passes again at 13 and 14
    const { state: qualified, transitions: first } = answer(start(), times(14, true));
    expect(first).toHaveLength(1);
    expect(qualified.lastPassAt).toBe(at(14));

    // Act: then wrong answers; the first few still pass on the whole record (14 of 15 has a lower
    // bound of 0.70), until the lower bound drops below 0.7
    const { state, transitions } = answer(qualified, times(8, false), SETTINGS, 15);

    // Assert
    expect(state.status).toBe("paused");
    expect(transitions).toHaveLength(1);
    expect(state.lastPassAt).toBe(at(15));
    expect(transitions[0]?.reReview).toEqual({ from: at(15), to: state.changedAt });
    expect(state.changedAt).toBe(at(16));
  });

  it("leaves re-review out when the queue does not ask for it", () => {
    const settings = { ...SETTINGS, reReviewWhenPaused: false };
    const { transitions } = answer(newQualification("r", "q", at(0), settings), times(10, false), settings);
    expect(transitions[0]?.to).toBe("paused");
    expect(transitions[0]?.reReview).toBeUndefined();
  });

  it("counts a paused reviewer's late gold verdicts without changing the status", () => {
    const { state: paused } = answer(start(), times(10, false));
    const { state, transitions } = answer(paused, times(5, true), SETTINGS, 20);
    expect(state).toMatchObject({ status: "paused", gold: 15, goldCorrect: 5 });
    expect(transitions).toEqual([]);
  });

  it("reinstates a paused reviewer into a new evaluation with the admin and note in the reason", () => {
    // Arrange
    const { state: paused } = answer(start(), times(10, false));

    // Act
    const step = qualify(
      paused,
      { type: "reinstate", by: "admin-1", note: "retrained on the new guide", at: at(30) },
      SETTINGS,
    );

    // Assert
    expect(step.state).toMatchObject({ status: "qualifying", gold: 0, goldCorrect: 0, since: at(30) });
    expect(step.state.lastPassAt).toBeUndefined();
    expect(step.transition).toEqual({
      from: "paused",
      to: "qualifying",
      by: "admin-1",
      at: at(30),
      reason: "reinstated by admin-1: retrained on the new guide",
    });
  });

  it("lets an admin pause a reviewer by hand, and refuses to pause twice or reinstate someone not paused", () => {
    // Act
    const step = qualify(
      start(),
      { type: "pause", by: "admin-1", note: "reported by QA", at: at(5) },
      SETTINGS,
    );

    // Assert
    expect(step.transition).toMatchObject({
      to: "paused",
      by: "admin-1",
      reason: "paused by admin-1: reported by QA",
    });
    expect(step.transition?.reReview).toEqual({ from: at(0), to: at(5) });
    expect(() =>
      qualify(step.state, { type: "pause", by: "admin-1", note: "again", at: at(6) }, SETTINGS),
    ).toThrow(expect.objectContaining({ status: 409, code: "already_paused" }));
    expect(() =>
      qualify(start(), { type: "reinstate", by: "admin-1", note: "", at: at(6) }, SETTINGS),
    ).toThrow(expect.objectContaining({ status: 409, code: "not_paused" }));
  });
});

describe("assertMayClaim", () => {
  it("refuses a paused reviewer with 403, the reason and what to do", () => {
    // Arrange
    const { state } = answer(start(), times(10, false));

    // Act
    let error: unknown;
    try {
      assertMayClaim(state);
    } catch (e) {
      error = e;
    }

    // Assert
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 403, code: "reviewer_paused" });
    expect((error as Error).message).toContain(
      `you are paused in queue "claims" since ${at(10)}: gold accuracy 0.00`,
    );
    expect((error as Error).message).toContain("An admin of this queue must reinstate you");
  });

  it("lets qualifying, qualified and unknown reviewers claim", () => {
    expect(() => assertMayClaim(start())).not.toThrow();
    expect(() => assertMayClaim(answer(start(), times(10, true)).state)).not.toThrow();
    expect(() => assertMayClaim(undefined)).not.toThrow();
  });
});

describe("planning a qualification", () => {
  it("needs n with n/(n + 1.96²) ≥ the minimum before a perfect reviewer can pass", () => {
    expect(minGoldToJudge(0.7)).toBe(9);
    expect(minGoldToJudge(0.9)).toBe(35);
    expect(minGoldToJudge(1)).toBeNull();
  });

  it("gives the exact chance of passing the first check: only 9 of 9 passes 0.7 at 9 items", () => {
    expect(passProbability(0.9, { minAccuracy: 0.7, minGoldItems: 9 })).toBeCloseTo(0.9 ** 9, 12);
    expect(passProbability(0.5, { minGoldItems: 9 })).toBe(1);
    expect(passProbability(1, { minAccuracy: 0.7, minGoldItems: 9 })).toBe(1);
  });

  it("gives better reviewers a higher chance of passing", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        (a, b, n) => {
          const [low, high] = a < b ? [a, b] : [b, a];
          const settings = { minAccuracy: 0.6, minGoldItems: n };
          expect(passProbability(high, settings)).toBeGreaterThanOrEqual(
            passProbability(low, settings) - 1e-12,
          );
        },
      ),
    );
  });
});
