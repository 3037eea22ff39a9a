import type { Experiment } from "../experiments/schema";
import { type BucketRange, chooseVariation, getBucketRanges } from "./buckets";
import { hashV2 } from "./hash";

export interface Assignment {
  /** The arm whose policy applies: the hashed arm when enrolled, otherwise the control arm. */
  armId: string;
  /** Whether the unit counts in the comparison. Units outside coverage or in a paused arm do not. */
  enrolled: boolean;
  /** The unit's hash in [0, 1) (hash version 2 of `hashSeed` + unit id). */
  bucket: number;
  /** Set when the unit hashed into an arm the guardrail paused; it gets the control policy instead. */
  pausedArm?: string;
}

/** Only running experiments enrol units; the caller decides whether to reject the decision. */
export function isEnrolling(experiment: Pick<Experiment, "status">): boolean {
  return experiment.status === "running";
}

/** Bucket ranges of the experiment's arms, in arm order. */
export function armRanges(experiment: Pick<Experiment, "arms" | "coverage">): BucketRange[] {
  return getBucketRanges(
    experiment.arms.length,
    experiment.coverage,
    experiment.arms.map((arm) => arm.weight),
  );
}

/**
 * Assigns a unit to an arm exactly as GrowthBook does with hash version 2: the first arm whose range
 * holds the unit's hash wins.
 *
 * - Outside every range (coverage below 1): control arm, not enrolled.
 * - Inside a paused arm: control arm, not enrolled, `pausedArm` names the arm. Counting these units
 *   under control would bias the comparison, and keeping them in the paused arm would defeat the pause.
 * - Experiment not running: control arm, not enrolled.
 */
export function assignArm(experiment: Experiment, unitId: string): Assignment {
  const bucket = hashV2(experiment.hashSeed, unitId);
  if (!isEnrolling(experiment)) return { armId: experiment.control, enrolled: false, bucket };

  const index = chooseVariation(bucket, armRanges(experiment));
  const arm = experiment.arms[index];
  if (!arm) return { armId: experiment.control, enrolled: false, bucket };
  if (arm.paused) return { armId: experiment.control, enrolled: false, bucket, pausedArm: arm.id };
  return { armId: arm.id, enrolled: true, bucket };
}
