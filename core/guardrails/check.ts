/**
 * The quality guardrail, as a pure decision: which treatment arms must be paused because their
 * quality at decision time (the answers as the product got them, before any audit corrected them)
 * is worse than control's by more than the experiment's margin, with sequential confidence (an
 * always-valid confidence sequence, so checking every 15 minutes does not inflate the error).
 */

import type { Experiment } from "../experiments/schema";
import type { ArmMetrics } from "../metrics/read";
import { armCertificate, certificationTarget } from "../report/certificate";
import { qualityIsCounted, qualitySums } from "../report/sums";
import type { GuardrailAction } from "../report/types";
import { sequentialTest } from "../stats";

export interface GuardrailOptions {
  /** Level of the two-sided confidence sequence. Default 0.05. */
  alpha?: number;
  /** N* of the confidence sequence. Default 5000. */
  tuning?: number;
  /** A treatment whose quality rests on fewer audits is not judged yet. Default 10. */
  minAudits?: number;
}

export const DEFAULT_GUARDRAIL_OPTIONS = { alpha: 0.05, tuning: 5000, minAudits: 10 } as const;

export interface ArmGuardrail {
  arm: string;
  action: GuardrailAction;
  /** Decision-time quality of control and of this arm (NaN when undefined). */
  control: number;
  treatment: number;
  /** treatment − control. */
  difference: number;
  /** Confidence sequence of the difference; NaN ends when not computed. */
  ci: [number, number];
  margin: number;
  /** Why, in words (goes into the audit trail and the announcement). */
  reason: string;
  /** The arm's live certificate at its own threshold, when the experiment certifies. */
  certificate?: { holds: boolean; broken: boolean; summary: string };
}

export interface GuardrailCheck {
  experimentId: string;
  /** The config version the check looked at. */
  version: number;
  arms: ArmGuardrail[];
  /** Arms to pause now (never control, never an arm already paused). */
  pause: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const pp = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(2)} pp`;

/**
 * For each treatment arm: pause when the whole confidence sequence of quality(arm) − quality(control)
 * lies below −qualityMargin. Control is never paused and a paused arm stays paused (the check is
 * idempotent: run twice on the same data, it asks for the same pauses once). Arms without enough
 * data get "insufficient-data"; arms with quality counted rather than estimated on both sides are
 * compared exactly. When the experiment certifies (`certification`), each treatment's live
 * certificate is checked too: one that no longer holds at the arm's threshold (its audits' error
 * rate at or above the target, so more audits cannot restore it) is flagged in the reason, and the
 * arm is paused when `certification.pauseWhenBroken`.
 */
export function checkGuardrails(
  experiment: Pick<Experiment, "id" | "version" | "control" | "qualityMargin" | "arms" | "certification">,
  metrics: readonly ArmMetrics[],
  options: GuardrailOptions = {},
): GuardrailCheck {
  const alpha = options.alpha ?? DEFAULT_GUARDRAIL_OPTIONS.alpha;
  const tuning = options.tuning ?? DEFAULT_GUARDRAIL_OPTIONS.tuning;
  const minAudits = options.minAudits ?? DEFAULT_GUARDRAIL_OPTIONS.minAudits;
  const margin = experiment.qualityMargin;
  const byArm = new Map(metrics.map((m) => [m.arm, m]));
  const control = byArm.get(experiment.control);
  const arms: ArmGuardrail[] = [];
  for (const arm of experiment.arms) {
    if (arm.id === experiment.control) continue;
    const treatment = byArm.get(arm.id);
    const base = {
      arm: arm.id,
      control: control?.decisionQuality.estimate ?? Number.NaN,
      treatment: treatment?.decisionQuality.estimate ?? Number.NaN,
      difference:
        (treatment?.decisionQuality.estimate ?? Number.NaN) -
        (control?.decisionQuality.estimate ?? Number.NaN),
      ci: [Number.NaN, Number.NaN] as [number, number],
      margin,
    };
    const result = (action: GuardrailAction, reason: string, ci = base.ci): ArmGuardrail => ({
      ...base,
      ci,
      action,
      reason,
    });
    if (arm.paused) {
      arms.push(result("paused", `arm ${arm.id} is already paused`));
      continue;
    }
    if (!control || !treatment) {
      arms.push(
        result("insufficient-data", `no counters yet for arm ${control ? arm.id : experiment.control}`),
      );
      continue;
    }
    const a = qualitySums(control);
    const b = qualitySums(treatment);
    if (!a.ok || !b.ok) {
      arms.push(result("insufficient-data", a.ok ? (b.ok ? "" : b.reason) : a.reason));
      continue;
    }
    if (qualityIsCounted(control) && qualityIsCounted(treatment)) {
      // Both qualities are counted, not sampled: the difference is known exactly.
      const worse = base.difference < -margin;
      arms.push(
        result(
          worse ? "pause" : "keep",
          `decision-time quality ${pct(base.treatment)} vs control ${pct(base.control)} (${pp(base.difference)}, counted, not estimated) is ${worse ? "beyond" : "within"} the ${(margin * 100).toFixed(2)} pp margin`,
          [base.difference, base.difference],
        ),
      );
      continue;
    }
    if (!qualityIsCounted(treatment) && treatment.decisionQuality.automated.audited < minAudits) {
      arms.push(
        result(
          "insufficient-data",
          `arm ${arm.id}'s quality rests on ${treatment.decisionQuality.automated.audited} audits; the check needs at least ${minAudits}`,
        ),
      );
      continue;
    }
    const test = sequentialTest(a.sums, b.sums, { alpha, tuning });
    if (test.reason) {
      arms.push(result("insufficient-data", `the sequential test cannot run (${test.reason})`));
      continue;
    }
    // A difference of two qualities lies in [−1, 1]: the sequence cut there keeps its coverage.
    const bounded = test.ci[0] < -1 || test.ci[1] > 1;
    const ci: [number, number] = [Math.max(-1, test.ci[0]), Math.min(1, test.ci[1])];
    const level = `${Math.round((1 - alpha) * 100)}%`;
    const words = `decision-time quality ${pct(base.treatment)} vs control ${pct(base.control)} (${pp(base.difference)}; ${level} confidence sequence ${pp(ci[0])} to ${pp(ci[1])}${bounded ? ", cut at ±100 pp" : ""})`;
    arms.push(
      ci[1] < -margin
        ? result(
            "pause",
            `${words} is worse than control by more than the ${(margin * 100).toFixed(2)} pp margin`,
            ci,
          )
        : result(
            "keep",
            `${words} does not show a drop beyond the ${(margin * 100).toFixed(2)} pp margin`,
            ci,
          ),
    );
  }
  const target = certificationTarget(experiment, undefined);
  if (target) {
    const pause = experiment.certification?.pauseWhenBroken === true;
    arms.forEach((guard, i) => {
      const arm = experiment.arms.find((a) => a.id === guard.arm);
      const treatment = byArm.get(guard.arm);
      const cert = treatment && arm ? armCertificate(treatment, arm, target) : undefined;
      if (!cert) return;
      const certificate = { holds: cert.holds, broken: cert.broken, summary: cert.own.summary };
      const flagged = cert.broken && guard.action !== "paused";
      const words = `the live certificate no longer holds at arm ${guard.arm}'s threshold ${cert.threshold}: ${cert.own.summary}`;
      arms[i] =
        flagged && pause && guard.action !== "pause"
          ? { ...guard, certificate, action: "pause", reason: words }
          : {
              ...guard,
              certificate,
              ...(flagged && guard.action !== "pause" ? { reason: `${guard.reason}; ${words}` } : {}),
            };
    });
  }
  return {
    experimentId: experiment.id,
    version: experiment.version,
    arms,
    pause: arms.filter((a) => a.action === "pause").map((a) => a.arm),
  };
}
