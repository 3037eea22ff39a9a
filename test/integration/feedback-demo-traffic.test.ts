import { describe, expect, it } from "vitest";
import {
  driveFeedbackDemos,
  type FeedbackDemoStats,
  simulateFeedbackReviewer,
} from "../../cli/simulate-feedback";
import { HitlApiError, HitlClient } from "../../client";
import { parseExperiment } from "../../core/experiments/validate";
import { agentApprovalExperiment, generatedTextExperiment } from "../../core/simulation/feedback-demos";
import { cloud, eventually } from "./support";

const client = (token: string) => new HitlClient({ baseUrl: cloud.apiUrl, token });

describe("the feedback demos' simulated traffic (hitl dev) on the local cloud", () => {
  it("sends decisions and user signals and reviews held items through hitl-lab/client, without an API error", async () => {
    // Arrange: the two demo experiments, as hitl dev seeds them (kept when a suite's cloud has them)
    const admin = client(cloud.tokens.admin);
    for (const demo of [generatedTextExperiment(), agentApprovalExperiment()]) {
      const parsed = parseExperiment(demo);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      await admin.experiments.create(parsed.value).catch((error: unknown) => {
        if (!(error instanceof HitlApiError && error.code === "experiment_exists")) throw error;
      });
    }
    const stats: FeedbackDemoStats = { sent: 0, reviewed: 0, signals: 0, errors: 0 };
    const truths = new Map<string, { good: boolean }>();
    const stop = new AbortController();
    const queues = [
      { queue: "replies", experimentId: "support-replies" },
      { queue: "agent-actions", experimentId: "agent-refunds" },
    ];

    // Act: traffic at 4 decisions/s and one reviewer until a signal and a verdict went through
    const traffic = driveFeedbackDemos(
      client(cloud.tokens.producer),
      { rate: 4, seed: 21, signal: stop.signal },
      stats,
      truths,
    );
    const reviewing = simulateFeedbackReviewer(
      client(cloud.identities.r6 ?? ""),
      { queues, seed: 5, signal: stop.signal },
      stats,
      truths,
    );
    try {
      await eventually(
        async () => (stats.signals > 0 && stats.reviewed > 0) || stats.errors > 0 || undefined,
        90_000,
        "a signal and a verdict from the demo traffic",
      );
    } finally {
      stop.abort();
      await Promise.all([traffic, reviewing]);
    }

    // Assert
    expect(stats.lastError).toBeUndefined();
    expect(stats.errors).toBe(0);
    expect(stats.sent).toBeGreaterThan(0);
    expect(stats.signals).toBeGreaterThan(0);
    expect(stats.reviewed).toBeGreaterThan(0);
  }, 120_000);
});
