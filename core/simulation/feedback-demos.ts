import type { DecisionRequest } from "../decisions/schema";
import type { VerdictRequest } from "../review/verdict";
import { exponential, seededRandom } from "./random";

/**
 * Two demo experiments beyond labels (docs/feedback.md): a support assistant's generated replies
 * (correction, rubric, pairwise between two prompts) and an agent's refunds (approval of its tool
 * call), with simulated traffic and simulated reviewers that answer each feedback type.
 */

const sla = {
  tiers: [{ name: "tier-1", slaSeconds: 300, hourlyRateUsd: 32 }],
  fallback: { action: "model" },
  heartbeatSeconds: 60,
};

export function generatedTextExperiment() {
  const policy = (autoAcceptAbove: number, queue: string) => ({
    autoAcceptAbove,
    auditRate: 0.1,
    queue,
    sla,
  });
  return {
    id: "support-replies",
    description: "Demo: how many of the assistant's replies can go out unreviewed? Prompt v2 against v1.",
    status: "running",
    control: "conservative",
    feedback: [
      { type: "correction", format: "text" },
      {
        type: "rubric",
        quality: "faithful",
        criteria: [
          {
            name: "faithful",
            scale: "pass-fail",
            description: "Every claim in the reply is in the order's data.",
            points: { pass: "nothing invented", fail: "a claim the data does not support" },
          },
          {
            name: "tone",
            description: "Friendly and clear to a customer.",
            points: { "1": "rude or confusing", "3": "correct but stiff", "5": "warm and clear" },
          },
        ],
      },
      { type: "pairwise" },
    ],
    signals: { asGroundTruth: true },
    arms: [
      { id: "conservative", weight: 0.5, policy: policy(0.9, "replies") },
      { id: "aggressive", weight: 0.5, policy: policy(0.7, "replies") },
    ],
  };
}

export function agentApprovalExperiment() {
  const policy = (autoAcceptAbove: number) => ({
    autoAcceptAbove,
    auditRate: 0.1,
    queue: "agent-actions",
    rules: [{ field: "amountUsd", op: "gt", value: 200, reason: "refunds above $200 need a person" }],
    sla,
  });
  return {
    id: "agent-refunds",
    description: "Demo: which of the refund agent's tool calls can run without a person's approval?",
    status: "running",
    control: "conservative",
    feedback: [{ type: "approval" }],
    signals: { asGroundTruth: true },
    arms: [
      { id: "conservative", weight: 0.5, policy: policy(0.95) },
      { id: "aggressive", weight: 0.5, policy: policy(0.8) },
    ],
  };
}

export interface DemoDecision {
  experimentId: string;
  decisionId: string;
  unitId: string;
  item: Record<string, unknown>;
  prediction: DecisionRequest["prediction"];
  gapSeconds: number;
  /** What a careful reviewer would find (the simulated reviewers and users act on it). */
  truth: { good: boolean };
}

const DAYS = [2, 3, 5, 7];

/** Generated replies and refund tool calls, alternating, with Poisson arrivals at `rate` per second. */
export function feedbackDemoTraffic(options: { rate?: number; seed?: number } = {}): () => DemoDecision {
  const random = seededRandom(options.seed ?? 7);
  const rate = options.rate ?? 0.5;
  let n = 0;
  return () => {
    n += 1;
    const confidence = Math.min(0.999, 0.55 + 0.45 * random());
    const good = random() < confidence;
    const order = `o-${1000 + Math.floor(random() * 9000)}`;
    const days = DAYS[Math.floor(random() * DAYS.length)] ?? 5;
    const base = {
      decisionId: `demo-${Date.now().toString(36)}-${n}`,
      unitId: `customer-${Math.floor(random() * 500)}`,
      gapSeconds: exponential(random, rate),
      truth: { good },
    };
    if (n % 2 === 1) {
      // Prompt v1 is right but curt; v2 is warmer and, when the model is wrong, gets the time wrong.
      const v1 = `Refund for ${order} sent. ${days} business days.`;
      const v2 = `Good news: we refunded ${order}. The money reaches your account within ${good ? days : days + 2} business days.`;
      return {
        ...base,
        experimentId: "support-replies",
        item: {
          prompt: `Customer asks when the refund for ${order} arrives (refund takes ${days} business days).`,
          order,
          days,
        },
        prediction: {
          label: "prompt-v2",
          confidence,
          modelVersion: "reply-gen-4",
          output: v2,
          candidates: [
            { source: "prompt-v1", output: v1 },
            { source: "prompt-v2", output: v2 },
          ],
        },
      };
    }
    const amountUsd = Math.round(20 + random() * 380);
    return {
      ...base,
      experimentId: "agent-refunds",
      item: { order, amountUsd, reason: "item arrived damaged" },
      prediction: {
        label: "run",
        confidence,
        modelVersion: "refund-agent-2",
        action: {
          tool: "issue_refund",
          arguments: { orderId: order, amountUsd: good ? amountUsd : amountUsd * 2 },
        },
      },
    };
  };
}

interface DemoItem {
  context: {
    item: Record<string, unknown>;
    prediction?:
      | {
          output?: unknown;
          /** As the API shows them: by position, blind to their prompt. */
          candidates?: { position: "A" | "B"; output: unknown }[];
          action?: { arguments: Record<string, unknown> };
        }
      | undefined;
  };
}

/**
 * A simulated reviewer's typed verdict on a demo item: a good output is accepted and scores well,
 * a bad one is corrected, fails `faithful` and loses to the other prompt; a bad refund is edited to
 * the right amount (sometimes rejected).
 */
export function demoVerdict(
  experimentId: string,
  item: DemoItem,
  good: boolean,
  random: () => number,
): VerdictRequest {
  if (experimentId === "agent-refunds") {
    const args = item.context.prediction?.action?.arguments ?? {};
    if (good) return { approval: { action: "approve" } };
    if (random() < 0.3) return { approval: { action: "reject", reason: "duplicate refund" } };
    return {
      approval: {
        action: "edit",
        arguments: { ...args, amountUsd: Math.round(Number(args.amountUsd ?? 0) / 2) },
      },
    };
  }
  const output = String(item.context.prediction?.output ?? "");
  const days = String(item.context.item.days ?? 5);
  // Judged by what the replies say, as a person would: the warmer reply wins when its time is right.
  const warmer = item.context.prediction?.candidates?.find((c) => String(c.output).startsWith("Good news"));
  const better = good ? warmer?.position : warmer?.position === "A" ? "B" : "A";
  const choice = random() < 0.15 ? "equal" : (better ?? "A");
  return {
    correction: good
      ? { accepted: true }
      : {
          accepted: false,
          output: output.replace(/within \d+ business days/, `within ${days} business days`),
        },
    rubric: { faithful: good, tone: good ? 4 + Math.round(random()) : 2 + Math.round(random() * 2) },
    pairwise: { choice },
  };
}
