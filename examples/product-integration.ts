/** A product system's side of hitl-lab (README "Integrating a product system"); run by test/integration/client.test.ts. */
import { HitlClient } from "hitl-lab/client";

export interface Claim {
  id: string;
  customerId: string;
  topic: string;
  amount: number;
}

// README example: begin
const hitl = new HitlClient({ baseUrl: process.env.HITL_API_URL ?? "", token: process.env.HITL_TOKEN ?? "" });

export async function triage(claim: Claim, model: { label: string; confidence: number }, client = hitl) {
  const answer = await client.decisions.send({
    experimentId: "claims-triage",
    unitId: claim.customerId, // the experiment's unit: one customer always gets the same arm
    decisionId: claim.id, // idempotency key: a resend returns the first answer, counted once
    item: { topic: claim.topic, amount: claim.amount },
    prediction: { label: model.label, confidence: model.confidence, modelVersion: "m-7" },
  });
  if (answer.route === "auto") return answer.outcome; // automated: final at once
  return (await client.decisions.outcome(answer.decisionId, { timeoutMs: 4 * 3600_000 })).outcome; // held
}
// README example: end
