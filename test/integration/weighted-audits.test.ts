import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { auditInclusionProbability } from "../../core/assignment/uncertainty-audit";
import type { ExperimentReport } from "../../core/report";
import { auditSums, automatedQuality } from "../../core/stats";
import { call, cloud, createExperiment, eventually, uid } from "./support";

const run = promisify(execFile);
const AUDIT_POLICY = { kind: "uncertainty", floor: 0.3, scale: 1.2 } as const;
const THRESHOLD = 0.5;

interface Sent {
  decisionId: string;
  confidence: number;
  audit: boolean;
  /** The verdict an auditor gives: the model ("approve") is wrong below 0.7. */
  truth: string;
}

describe("uncertainty-weighted audits on the local cloud", () => {
  let experimentId: string;
  let devFile: string;
  const sent: Sent[] = [];

  beforeAll(async () => {
    // Arrange: one arm automates everything at ≥ 0.5 and audits by uncertainty (floor 30 %).
    experimentId = await createExperiment({
      arms: [
        {
          id: "conservative",
          weight: 1,
          policy: { autoAcceptAbove: THRESHOLD, auditRate: 0, auditPolicy: AUDIT_POLICY },
        },
      ],
    });
    devFile = path.join(mkdtempSync(path.join(tmpdir(), "hitl-weighted-")), "dev.json");
    writeFileSync(devFile, JSON.stringify({ ...cloud, tokens: cloud.tokens }));
    for (let i = 0; i < 30; i++) {
      const decisionId = uid("wa");
      const confidence = Math.round((0.55 + (0.44 * i) / 29) * 1000) / 1000;
      const answer = await call<{ route: string; audit: boolean }>("POST", "/v1/decisions", {
        role: "producer",
        body: {
          experimentId,
          unitId: uid("unit"),
          decisionId,
          item: { topic: "billing" },
          prediction: { label: "approve", confidence },
        },
      });
      expect(answer.body.route).toBe("auto");
      sent.push({
        decisionId,
        confidence,
        audit: answer.body.audit,
        truth: confidence < 0.7 ? "deny" : "approve",
      });
    }
    // Every audit of this experiment is decided (claims filtered to it: the audit queue is shared).
    const audits = sent.filter((s) => s.audit);
    for (let i = 0; i < audits.length; i++) {
      const token = cloud.identities[`r${(i % 4) + 1}`] as string;
      const claimed = await eventually(
        async () => {
          const claim = await call<{ review: { reviewId: string; decisionId: string } | null }>(
            "POST",
            `/v1/queues/audit/claim?experimentId=${experimentId}`,
            { token },
          );
          return claim.body.review ?? undefined;
        },
        20_000,
        "an audit to claim",
      );
      const truth = sent.find((s) => s.decisionId === claimed.decisionId)?.truth ?? "approve";
      const verdict = await call("POST", `/v1/reviews/${claimed.reviewId}/verdict`, {
        token,
        body: { label: truth, handlingSeconds: 30 },
      });
      expect(verdict.status).toBe(200);
    }
  }, 180_000);

  it("records on each automated decision the audit probability the policy gave it", async () => {
    for (const s of sent.slice(0, 6)) {
      const { body } = await call<{ auditInclusionProbability?: number }>(
        "GET",
        `/v1/decisions/${s.decisionId}`,
        {
          role: "producer",
        },
      );
      expect(body.auditInclusionProbability).toBe(
        auditInclusionProbability({ confidence: s.confidence }, THRESHOLD, AUDIT_POLICY),
      );
    }
  });

  it("estimates automated quality from the weighted audits as the stats module does, names the estimator, and rebuilds the same counters", async () => {
    // Arrange: the independent path, from what was sent and decided.
    const audits = sent.filter((s) => s.audit);
    const expected = automatedQuality(
      auditSums(
        sent.map((s) => ({
          inclusionProbability: auditInclusionProbability(
            { confidence: s.confidence },
            THRESHOLD,
            AUDIT_POLICY,
          ),
          audited: s.audit,
          ...(s.audit ? { correct: s.truth === "approve" } : {}),
          prediction: s.confidence,
        })),
      ),
    );

    // Act
    const report = await eventually(
      async () => {
        const r = await call<ExperimentReport>("GET", `/v1/experiments/${experimentId}/report`, {
          role: "analyst",
        });
        return r.body.arms?.[0]?.decisionQuality.automatedAccuracy.audits === audits.length
          ? r.body
          : undefined;
      },
      60_000,
      "the report to count every audit",
    );
    const rebuilt = await run(process.execPath, [
      "bin/hitl.mjs",
      "metrics",
      "rebuild",
      "--experiment",
      experimentId,
      "--dev-file",
      devFile,
    ]).catch((error: { stdout: string; stderr: string }) => ({ stdout: `${error.stdout}${error.stderr}` }));

    // Assert
    expect(audits.length).toBeGreaterThan(5);
    const accuracy = report.arms[0]?.decisionQuality.automatedAccuracy;
    expect(accuracy?.estimator).toBe(expected.estimator);
    expect(accuracy?.estimatorReason).toBe(expected.reason);
    expect(accuracy?.value).toBeCloseTo(expected.estimate, 5);
    expect(report.arms[0]?.decisionQuality.description).toMatch(/estimator over uncertainty-weighted audits/);
    expect(rebuilt.stdout).toContain("no differences");
  }, 90_000);
});
