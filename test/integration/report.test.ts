import { beforeAll, describe, expect, it } from "vitest";
import type { ExperimentReport } from "../../core/report";
import { wilson } from "../../core/stats";
import { call, cloud, createExperiment, eventually, uid } from "./support";

interface Routed {
  decisionId: string;
  arm: string;
  route: "auto" | "human";
  audit: boolean;
  reviewId?: string;
}

interface Claimed {
  review: { reviewId: string; decisionId: string } | null;
}

const MODEL_COST_USD = 0.002;
const policy = (autoAcceptAbove: number, queue: string, auditRate: number) => ({
  autoAcceptAbove,
  auditRate,
  queue,
  sla: { tiers: [{ name: "tier-1", slaSeconds: 3600, hourlyRateUsd: 36 }], fallback: { action: "model" } },
});

/** Sends one decision with confidence 0.9: control (≥ 0.95) holds it, the aggressive arm (≥ 0.8) automates it. */
async function route(experimentId: string): Promise<Routed> {
  const decisionId = uid("d");
  const answer = await call<Routed>("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId,
      unitId: uid("unit"),
      decisionId,
      item: { topic: "billing" },
      prediction: { label: "approve", confidence: 0.9, modelVersion: "m-1", costUsd: MODEL_COST_USD },
    },
  });
  expect(answer.status).toBe(200);
  return { ...answer.body, decisionId };
}

/** Claims the next item of `queue` (waiting for one to arrive) and gives it `label`; returns its id. */
async function decideNext(queue: string, label: string, token: string): Promise<string> {
  const claimed = await eventually(
    async () => {
      const claim = await call<Claimed>("POST", `/v1/queues/${queue}/claim`, { token });
      return claim.body.review ?? undefined;
    },
    20_000,
    `an item to claim in ${queue}`,
  );
  const verdict = await call("POST", `/v1/reviews/${claimed.reviewId}/verdict`, {
    token,
    body: { label, handlingSeconds: 60 },
  });
  expect(verdict.status).toBe(200);
  return claimed.reviewId;
}

const getReport = (id: string, role: "analyst" | "admin" | "producer" = "analyst", query = "") =>
  call<ExperimentReport>("GET", `/v1/experiments/${id}/report${query}`, { role });

describe("GET /v1/experiments/{id}/report on the local cloud", () => {
  let experimentId: string;
  let sent: Routed[];
  const controlQueue = uid("rq").replaceAll(".", "-");
  const reviewed: { reviewId: string; label: string }[] = [];
  const audited: { reviewId: string; label: string }[] = [];

  beforeAll(async () => {
    // Arrange: two arms, 40 decisions; the aggressive arm automates every one and audits half.
    experimentId = await createExperiment({
      qualityMargin: 0.02,
      arms: [
        { id: "conservative", weight: 0.5, policy: policy(0.95, controlQueue, 0) },
        { id: "aggressive", weight: 0.5, policy: policy(0.8, controlQueue, 0.5) },
      ],
    });
    sent = [];
    for (let i = 0; i < 40; i++) sent.push(await route(experimentId));

    // Reviewers r1–r4 decide four held items of control (one overridden); of the audits, the first
    // two find the model wrong. Every audit is decided, so none is left in the shared audit queue.
    for (let i = 0; i < 4; i++) {
      const label = i === 0 ? "deny" : "approve";
      reviewed.push({
        reviewId: await decideNext(controlQueue, label, cloud.identities[`r${i + 1}`] as string),
        label,
      });
    }
    const audits = sent.filter((x) => x.audit).length;
    for (let i = 0; i < audits; i++) {
      const label = i < 2 ? "deny" : "approve";
      audited.push({
        reviewId: await decideNext("audit", label, cloud.identities[`r${(i % 4) + 5}`] as string),
        label,
      });
    }
  }, 180_000);

  it("reports each arm's counts, rates with Wilson intervals, quality with its source and cost per decision as sent", async () => {
    // Arrange
    const control = sent.filter((d) => d.arm === "conservative");
    const aggressive = sent.filter((d) => d.arm === "aggressive");
    const wrongAudits = audited.filter((a) => a.label !== "approve").length;

    // Act: the metrics counter counts from the streams, asynchronously; wait until every verdict's outcome is counted.
    const report = await eventually(
      async () => {
        const r = await getReport(experimentId);
        const [c, t] = r.body.arms ?? [];
        return r.status === 200 &&
          c?.quality.outcomes.reviewed === reviewed.length &&
          t?.quality.automatedAccuracy.audits === audited.length &&
          (c?.overrideRate.verdicts ?? 0) === reviewed.length
          ? r.body
          : undefined;
      },
      60_000,
      "the report to count every verdict",
    );

    // Assert
    const [c, t] = report.arms;
    expect(c).toMatchObject({
      arm: "conservative",
      control: true,
      decisions: control.length,
      automated: 0,
      held: control.length,
      units: control.length,
      automationRate: { value: 0 },
      quality: { value: 1, source: "counted" },
      overrideRate: { value: 1 / reviewed.length, verdicts: reviewed.length },
    });
    expect(t).toMatchObject({
      arm: "aggressive",
      decisions: aggressive.length,
      automated: aggressive.length,
      held: 0,
      audited: audited.length,
      automationRate: { value: 1 },
      quality: { source: "audit-sample" },
    });
    expect(t?.automationRate.interval[0]).toBeCloseTo(wilson(aggressive.length, aggressive.length)[0], 12);
    const accuracy = (audited.length - wrongAudits) / audited.length;
    const estimated = aggressive.length - audited.length;
    expect(t?.quality.automatedAccuracy).toMatchObject({
      audits: audited.length,
      correct: audited.length - wrongAudits,
    });
    expect(t?.quality.value).toBeCloseTo((estimated * accuracy + audited.length) / aggressive.length, 12);
    expect(t?.quality.outcomes).toMatchObject({ estimated, audited: audited.length, reviewed: 0 });
    expect(c?.cost.perDecision.model).toBeCloseTo(MODEL_COST_USD, 12);
    expect(t?.cost.modelUsd).toBeCloseTo(MODEL_COST_USD * aggressive.length, 12);
    // 60 s at $36/h is $0.60 per review of control's held items.
    expect(c?.cost.humanUsd).toBeCloseTo(0.6 * reviewed.length, 9);
    expect(t?.latency.auto.count).toBe(aggressive.length);
  }, 90_000);

  it("reports quality at decision time beside quality after corrections, with what the audits corrected", async () => {
    // Arrange: recomputed from what was sent and decided, not from the counters. Every decision is
    // automated in the aggressive arm and every answer it gave was "approve"; the audits that said
    // "deny" found those answers wrong and corrected them afterwards.
    const aggressive = sent.filter((d) => d.arm === "aggressive");
    const wrong = audited.filter((a) => a.label !== "approve").length;
    const accuracy = (audited.length - wrong) / audited.length;
    const unaudited = aggressive.length - audited.length;
    const atDecision = accuracy; // each automated answer is the model's, estimated at the audits' accuracy
    const afterCorrections = (unaudited * accuracy + audited.length) / aggressive.length;

    // Act
    const { body: report } = await getReport(experimentId);

    // Assert
    const [c, t] = report.arms;
    expect(wrong).toBeGreaterThan(0);
    expect(t?.decisionQuality.value).toBeCloseTo(atDecision, 12);
    expect(t?.quality.value).toBeCloseTo(afterCorrections, 12);
    expect(t?.decisionQuality.value).toBeLessThan(t?.quality.value ?? 0);
    expect(t?.decisionQuality.definition).toMatch(/^quality at decision time: /);
    expect(t?.quality.definition).toMatch(/^quality after corrections: /);
    expect(t?.corrections).toMatchObject({ corrected: wrong, audited: audited.length });
    expect(t?.corrections.shareOfAudits).toBeCloseTo(wrong / audited.length, 12);
    expect(t?.corrections.qualityAdded).toBeCloseTo(afterCorrections - atDecision, 12);
    expect(t?.corrections.timeToCorrection.meanSeconds).toBeGreaterThan(0);
    expect(c?.decisionQuality.value).toBe(1);
    // The comparison and the guardrail judge decision-time quality.
    const comparison = report.comparisons[0];
    const measured = comparison?.metrics.find((m) => m.metric === "decisionQuality");
    expect(measured?.treatment).toBeCloseTo(atDecision, 12);
    expect(comparison?.qualityGuardrail).toMatchObject({ measure: "decisionQuality" });
    expect(comparison?.qualityGuardrail.treatment).toBeCloseTo(atDecision, 12);
    expect(report.finance.arms[1]?.decisionQuality).toBeCloseTo(atDecision, 12);
  });

  it("compares the aggressive arm against control and checks the split of units against the weights", async () => {
    // Act
    const { body: report } = await getReport(experimentId, "admin", "?correction=benjamini-hochberg");

    // Assert
    const comparison = report.comparisons[0];
    const automation = comparison?.metrics.find((m) => m.metric === "automationRate");
    expect(comparison).toMatchObject({ arm: "aggressive", control: "conservative" });
    expect(automation).toMatchObject({ control: 0, treatment: 1, difference: 1 });
    expect(comparison?.qualityGuardrail.margin).toBe(0.02);
    expect(report.options.correction).toBe("benjamini-hochberg");
    expect(report.srm.arms.map((a) => a.units)).toEqual([
      sent.filter((d) => d.arm === "conservative").length,
      sent.filter((d) => d.arm === "aggressive").length,
    ]);
    expect(report.srm.checked).toBe(true);
    expect(report.recommendation.headline.length).toBeGreaterThan(10);
    expect(report.finance.total.decisions).toBe(sent.length);
  });

  it("answers 404 for an unknown experiment, 403 to a producer and 400 for an unknown option", async () => {
    // Act
    const missing = await getReport(uid("nope"));
    const producer = await getReport(experimentId, "producer");
    const badOption = await getReport(experimentId, "analyst", "?alpha=2");

    // Assert
    expect(missing.status).toBe(404);
    expect(producer.status).toBe(403);
    expect(badOption.status).toBe(400);
  });
});
