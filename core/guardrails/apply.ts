/**
 * The scheduled guardrail: for every running experiment, read its counters, decide with
 * `checkGuardrails`, and pause the arms that fail. A pause is (1) a new config version with
 * `arms[i].paused = true`, saved with the store's version condition so a concurrent change is never
 * overwritten, (2) an `arm-paused` entry in the experiment's audit trail, (3) an announcement. The
 * order matters: the config change is what protects users, so it comes first.
 *
 * The same run first rolls up the newly sealed days of **every** experiment it visits, whatever its
 * status (docs/metrics.md §4.1): a stopped experiment's report is read too, and an experiment with
 * nothing newly sealed costs one GetItem. Its checks then read the fresh roll-ups.
 */

import { experimentEntity } from "../audit/entry";
import { DomainError } from "../errors";
import type { Experiment } from "../experiments/schema";
import { applyChange, parseExperiment } from "../experiments/validate";
import { experimentMetrics } from "../metrics/read";
import type { RollupWriter } from "../metrics/rollup";
import type { AuditLog, ExperimentStore } from "../ports";
import type { CounterReader } from "../report/get-report";
import { type ArmGuardrail, checkGuardrails, type GuardrailCheck, type GuardrailOptions } from "./check";

/** What is announced when an arm is paused (SNS in AWS). */
export interface ArmPausedNotice {
  type: "arm-paused";
  experimentId: string;
  arm: string;
  control: string;
  /** The config version that paused it, and the one before. */
  fromVersion: number;
  toVersion: number;
  at: string;
  reason: string;
  quality: { control: number | null; arm: number | null; difference: number | null };
  /** Confidence sequence of the difference. */
  ci: [number | null, number | null];
  margin: number;
}

export interface Announcer {
  armPaused(notice: ArmPausedNotice): Promise<void>;
}

export interface GuardrailDeps {
  experiments: ExperimentStore;
  counters: CounterReader;
  audit: Pick<AuditLog, "append">;
  announcer: Announcer;
  now: () => Date;
  /** Rolls up sealed days (the metrics store); absent: no roll-ups. */
  rollups?: RollupWriter;
}

export interface GuardrailRunOptions extends GuardrailOptions {
  /** Check only these experiments (default: every running one). */
  experimentIds?: readonly string[];
}

export interface GuardrailRun {
  /** Running experiments checked. */
  checked: number;
  checks: GuardrailCheck[];
  paused: { experimentId: string; arm: string; version: number }[];
  /** Experiments the check or the roll-up failed on (the others are still checked). */
  errors: { experimentId: string; message: string }[];
  /** Experiments whose roll-ups moved on, and the (day, arm) roll-ups written. */
  rolledUp: { experiments: number; rollups: number };
}

export const GUARDRAIL_ACTOR = "guardrail";
const MAX_SAVE_ATTEMPTS = 3;

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function notice(
  experiment: Experiment,
  check: ArmGuardrail,
  fromVersion: number,
  toVersion: number,
  at: string,
): ArmPausedNotice {
  return {
    type: "arm-paused",
    experimentId: experiment.id,
    arm: check.arm,
    control: experiment.control,
    fromVersion,
    toVersion,
    at,
    reason: check.reason,
    quality: {
      control: orNull(check.control),
      arm: orNull(check.treatment),
      difference: orNull(check.difference),
    },
    ci: [orNull(check.ci[0]), orNull(check.ci[1])],
    margin: check.margin,
  };
}

/**
 * Saves a new version of the current config with `arms` paused; on a concurrent change, reads again
 * and retries. Returns the saved version and the arms it paused (none if they already were).
 */
async function pauseArms(
  deps: GuardrailDeps,
  first: Experiment,
  arms: readonly string[],
): Promise<{ from: number; saved: Experiment; paused: string[] } | undefined> {
  let current: Experiment | undefined = first;
  for (let attempt = 1; current; attempt++) {
    const base: Experiment = current;
    const paused = arms.filter((id) =>
      base.arms.some((a) => a.id === id && !a.paused && id !== base.control),
    );
    if (paused.length === 0 || base.status !== "running") return undefined;
    const parsed = parseExperiment({
      ...base,
      arms: base.arms.map((a) => (paused.includes(a.id) ? { ...a, paused: true } : a)),
    });
    if (!parsed.ok) throw new Error(`the paused config does not validate: ${JSON.stringify(parsed.errors)}`);
    const next = applyChange(base, parsed.value, deps.now().toISOString());
    try {
      await deps.experiments.save(next);
      return { from: base.version, saved: next, paused };
    } catch (error) {
      const conflict = error instanceof DomainError && error.code === "version_conflict";
      if (!conflict || attempt >= MAX_SAVE_ATTEMPTS) throw error;
      current = await deps.experiments.get(base.id);
    }
  }
  return undefined;
}

async function guardOne(
  deps: GuardrailDeps,
  experiment: Experiment,
  options: GuardrailOptions,
  run: GuardrailRun,
) {
  const rows = await deps.counters.readExperiment(experiment.id);
  const metrics = experimentMetrics(experiment.id, rows, {
    modelPriceUsd: experiment.modelPriceUsd,
    confidence: 1 - (options.alpha ?? 0.05),
  });
  const check = checkGuardrails(experiment, metrics.arms, options);
  run.checks.push(check);
  if (check.pause.length === 0) return;
  const result = await pauseArms(deps, experiment, check.pause);
  if (!result) return;
  const at = result.saved.updatedAt;
  const notices = result.paused.map((arm) =>
    notice(
      experiment,
      check.arms.find((a) => a.arm === arm) as ArmGuardrail,
      result.from,
      result.saved.version,
      at,
    ),
  );
  await deps.audit.append(
    notices.map((n) => ({
      entity: experimentEntity(experiment.id),
      at,
      actor: GUARDRAIL_ACTOR,
      action: "arm-paused" as const,
      detail: { ...n },
    })),
  );
  for (const n of notices) {
    await deps.announcer.armPaused(n);
    run.paused.push({ experimentId: experiment.id, arm: n.arm, version: n.toVersion });
  }
}

/** Rolls up the sealed days of each experiment; a failure is reported and the others go on. */
async function rollUpAll(deps: GuardrailDeps, experiments: readonly Experiment[], run: GuardrailRun) {
  const writer = deps.rollups;
  if (!writer) return;
  for (const experiment of experiments) {
    try {
      const result = await writer.rollUp(experiment.id);
      if (result.outcome === "rolled-up") {
        run.rolledUp.experiments++;
        run.rolledUp.rollups += result.rollups;
      }
    } catch (error) {
      // Without roll-ups reads are only slower: report it (the run fails and alarms), check anyway.
      run.errors.push({
        experimentId: experiment.id,
        message: `roll-up: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}

/** Checks every running experiment (or the given ones) and pauses what fails; never throws per experiment. */
export async function runGuardrails(
  deps: GuardrailDeps,
  options: GuardrailRunOptions = {},
): Promise<GuardrailRun> {
  const { experimentIds, ...checkOptions } = options;
  const all = experimentIds
    ? (await Promise.all(experimentIds.map((id) => deps.experiments.get(id)))).filter(
        (e): e is Experiment => e !== undefined,
      )
    : await deps.experiments.list();
  const running = all.filter((e) => e.status === "running");
  const run: GuardrailRun = {
    checked: running.length,
    checks: [],
    paused: [],
    errors: [],
    rolledUp: { experiments: 0, rollups: 0 },
  };
  await rollUpAll(deps, all, run);
  for (const experiment of running) {
    try {
      await guardOne(deps, experiment, checkOptions, run);
    } catch (error) {
      run.errors.push({
        experimentId: experiment.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return run;
}
