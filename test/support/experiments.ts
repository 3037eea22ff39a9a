import type { Experiment } from "../../core/experiments/schema";
import { newExperiment, parseExperiment } from "../../core/experiments/validate";
import { fixed } from "./clock";

/** A valid running experiment (claims triage, two arms), with overrides. */
export function experiment(overrides: Record<string, unknown> = {}): Experiment {
  const parsed = parseExperiment({
    id: "claims-triage",
    status: "running",
    control: "conservative",
    labels: ["approve", "deny", "escalate"],
    arms: [
      {
        id: "conservative",
        weight: 0.5,
        policy: { autoAcceptAbove: 0.95, alwaysHumanTopics: ["legal"], auditRate: 0.05 },
      },
      {
        id: "aggressive",
        weight: 0.5,
        policy: { autoAcceptAbove: 0.8, alwaysHumanTopics: ["legal"], auditRate: 0.05 },
      },
    ],
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return newExperiment(parsed.value, fixed("2026-11-25T00:00:00.000Z"));
}
