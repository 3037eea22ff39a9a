import type { ExperimentInput } from "../experiments/schema";
import { beta, exponential, seededRandom } from "./random";

/**
 * A simulated classification model for demos and benchmarks. Confidences follow a Beta
 * distribution skewed towards confident answers, and the model is roughly calibrated: a
 * prediction with confidence c is right with probability about c. Each decision also carries a
 * hidden true label, so simulated reviewers can answer like careful people.
 */
export interface SimulatedDecision {
  unitId: string;
  decisionId: string;
  item: { topic: string; amount: number; customerTier: string };
  prediction: {
    label: string;
    confidence: number;
    modelVersion: string;
    costUsd: number;
    alternatives: { label: string; confidence: number }[];
  };
  /** Not sent to hitl-lab: what a careful reviewer would decide. */
  truth: string;
  /** Seconds to wait before the next decision (Poisson arrivals). */
  gapSeconds: number;
}

export const LABELS = ["approve", "deny", "escalate"] as const;
const TOPICS = [
  { topic: "billing", weight: 0.45 },
  { topic: "fraud", weight: 0.2 },
  { topic: "shipping", weight: 0.25 },
  { topic: "legal", weight: 0.1 },
];

export interface SimulationOptions {
  seed?: number;
  /** Decisions per second on average. */
  rate?: number;
  units?: number;
  modelVersion?: string;
}

export function simulatedTraffic(options: SimulationOptions = {}): () => SimulatedDecision {
  const random = seededRandom(options.seed ?? 42);
  const rate = options.rate ?? 5;
  const units = options.units ?? 5000;
  const runId = Math.floor(random() * 1e9).toString(36);
  let n = 0;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return () => {
    n += 1;
    const draw = random();
    let cumulative = 0;
    const topic =
      TOPICS.find((t) => {
        cumulative += t.weight;
        return draw < cumulative;
      })?.topic ?? "billing";
    const confidence = Math.round(Math.min(0.999, 0.34 + 0.66 * beta(random, 5, 1.2)) * 1000) / 1000;
    const truth = pick(LABELS);
    const correct = random() < confidence;
    const label = correct ? truth : pick(LABELS.filter((l) => l !== truth));
    const others = LABELS.filter((l) => l !== label);
    const split = random();
    const rest = 1 - confidence;
    return {
      unitId: `customer-${Math.floor(random() * units)}`,
      decisionId: `sim-${runId}-${n}`,
      item: {
        topic,
        amount: Math.round(Math.exp(4 + 2.2 * random() * random() * 3) * 100) / 100,
        customerTier: random() < 0.15 ? "gold" : "standard",
      },
      prediction: {
        label,
        confidence,
        modelVersion: options.modelVersion ?? "claims-model-2026-11",
        costUsd: 0.0021,
        alternatives: [
          { label: others[0] as string, confidence: Math.round(rest * split * 1000) / 1000 },
          { label: others[1] as string, confidence: Math.round(rest * (1 - split) * 1000) / 1000 },
        ],
      },
      truth,
      gapSeconds: exponential(random, rate),
    };
  };
}

/** A demo experiment: two automation levels on a claims-triage model. */
export function demoExperiment(): ExperimentInput {
  const sla = {
    tiers: [
      { name: "tier-1", slaSeconds: 120, hourlyRateUsd: 32 },
      { name: "tier-2", slaSeconds: 300, hourlyRateUsd: 65 },
    ],
    fallback: { action: "model" as const },
    heartbeatSeconds: 60,
  };
  const policy = (autoAcceptAbove: number) => ({
    autoAcceptAbove,
    alwaysHumanTopics: ["legal"],
    auditRate: 0.05,
    doubleReviewRate: 0.05,
    rules: [
      {
        field: "amount",
        op: "gt" as const,
        value: 5000,
        queue: "high-value",
        reason: "amounts above 5,000 need a person",
      },
    ],
    topicQueues: { fraud: "fraud" },
    sla,
  });
  return {
    id: "claims-triage",
    description: "Demo: how much of claims triage can the model settle on its own?",
    status: "running",
    control: "conservative",
    labels: [...LABELS],
    qualityMargin: 0.02,
    // Gold items (core/simulation/demo-gold.ts): each reviewer's first 3 claims, then 5% of claims.
    queues: { default: { gold: { rate: 0.05, firstItems: 3 } } },
    arms: [
      { id: "conservative", weight: 0.5, policy: policy(0.95) },
      { id: "aggressive", weight: 0.5, policy: policy(0.8) },
    ],
  };
}
