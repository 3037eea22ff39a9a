/**
 * The next automation level as a config change: the certified threshold becomes a new arm beside
 * the arm it starts from, which gives it half of its weight (a ramp, not a switch). Pure, so the CLI
 * can show the change before asking, and tests can check it without a server.
 */

import type { ProposedLevel } from "../report/types";
import type { Arm, Experiment, ExperimentInput } from "./schema";

export interface ProposedChange {
  /** The whole next config, as `PUT /v1/experiments/{id}` takes it. */
  config: ExperimentInput;
  /** The new arm's id. */
  arm: string;
  /** What changes, one line each: "+ arms[2] …", "~ arms[1].weight 0.5 → 0.25". */
  diff: string[];
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** An arm id for a threshold: "aggressive-at-0.78" (a second proposal at the same level gets "-2"). */
function armId(experiment: Pick<Experiment, "arms">, from: string, threshold: number): string {
  const base = `${from}-at-${threshold}`.slice(0, 64);
  let id = base;
  for (let i = 2; experiment.arms.some((a) => a.id === id); i++) id = `${base}-${i}`;
  return id;
}

/**
 * The config that adds the proposed level as a new arm.
 *
 * @throws Error when the proposal's arm is not in the experiment
 */
export function proposeChange(experiment: Experiment, proposal: ProposedLevel): ProposedChange {
  const index = experiment.arms.findIndex((a) => a.id === proposal.arm);
  const source = experiment.arms[index];
  if (!source) throw new Error(`arm ${proposal.arm} is not in experiment ${experiment.id}`);
  const id = armId(experiment, source.id, proposal.threshold);
  const half = round(source.weight / 2);
  const next: Arm = {
    ...source,
    id,
    weight: round(source.weight - half),
    paused: false,
    policy: { ...source.policy, autoAcceptAbove: proposal.threshold },
  };
  const arms = experiment.arms.map((a, i) => (i === index ? { ...a, weight: half } : a));
  const { version: _v, createdAt: _c, updatedAt: _u, ...input } = experiment;
  return {
    config: { ...input, arms: [...arms, next] },
    arm: id,
    diff: [
      `~ arms[${index}] ${source.id}: weight ${source.weight} → ${half}`,
      `+ arms[${arms.length}] ${id}: weight ${next.weight}, policy of ${source.id} with autoAcceptAbove ${source.policy.autoAcceptAbove} → ${proposal.threshold}`,
      `  why: ${proposal.sentence}`,
    ],
  };
}
