/**
 * The next automation level, proposed from the live certificates: a threshold below an arm's own
 * that Learn-Then-Test certifies at the experiment's target error, with the automation it would
 * reach and what it would save. `hitl experiments propose` writes it as a new arm.
 */

import type { ArmReport, ProposedLevel } from "./types";
import { count, pct, usd } from "./words";

const finite = (x: number | null | undefined): x is number => typeof x === "number" && Number.isFinite(x);

/** The proposal from one arm's certificate, or undefined when it certifies no lower threshold. */
export function proposedLevelOf(arm: ArmReport): ProposedLevel | undefined {
  const c = arm.certificate;
  if (!c || c.next === null) return undefined;
  const at = c.proposal.tested.find((t) => t.threshold === c.next);
  const rate = c.proposal.automationRate;
  const [low, high] = c.proposal.automationRateInterval;
  // The share moved from held to automated no longer costs a review at the arm's mean human cost per held item.
  const humanPerHeld = arm.held > 0 ? arm.cost.humanUsd / arm.held : Number.NaN;
  const moved =
    finite(rate) && finite(arm.automationRate.value) ? rate - arm.automationRate.value : Number.NaN;
  const change = finite(humanPerHeld) && Number.isFinite(moved) ? -moved * humanPerHeld : null;
  const level = `${Math.round(c.confidence * 1000) / 10}%`;
  const errorPct = `${Number.parseFloat((c.targetError * 100).toFixed(2)).toFixed(1)}%`;
  const automation = finite(rate)
    ? `; expected automation ${pct(rate, 0)}${finite(low) && finite(high) ? ` (${(low * 100).toFixed(0)}–${pct(high, 0)})` : ""}`
    : "";
  const cost = finite(change) ? `; cost per decision ${usd(change, true)}` : "";
  return {
    arm: arm.arm,
    from: c.threshold,
    threshold: c.next,
    targetError: c.targetError,
    confidence: c.confidence,
    outcomes: at?.n ?? 0,
    automationRate: rate,
    automationRateInterval: [low, high],
    costPerDecisionChange: change,
    sentence: `Proposed next level for ${arm.arm}: automate above ${c.next}: error among automated ≤ ${errorPct} certified at ${level} on ${count(at?.n ?? 0)} labelled outcomes${automation}${cost}`,
  };
}

/** The proposal to show: from the arm to ship, else from control, else the first arm that has one. */
export function proposedLevel(
  arms: readonly ArmReport[],
  preferred: string | null,
): ProposedLevel | undefined {
  const order = [
    ...arms.filter((a) => a.arm === preferred),
    ...arms.filter((a) => a.control && a.arm !== preferred),
    ...arms.filter((a) => !a.control && a.arm !== preferred),
  ];
  for (const arm of order) {
    const p = proposedLevelOf(arm);
    if (p) return p;
  }
  return undefined;
}
