import { z } from "zod";
import { decisionEntity } from "../../audit/entry";
import { DomainError, notFound, validationFailed } from "../../errors";
import { parseWithSchema } from "../../experiments/validate";
import type { AuditLog, ExperimentStore, ReviewStore } from "../../ports";
import { audited } from "../ground-truth";
import type { DecisionWithGroundTruth } from "../ports";
import { SIGNAL_TYPES, SignalSettingsSchema, type SignalType } from "./schema";

export { SIGNAL_TYPES, type SignalType };

export const SignalInputSchema = z.strictObject({
  /** The producer's id for this signal: sending it again changes nothing. */
  signalId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:@-]+$/, "may hold letters, digits and _ . : @ -"),
  type: z.enum(SIGNAL_TYPES),
  /** When the user did it. */
  at: z.iso.datetime({ offset: true }),
  detail: z.record(z.string(), z.unknown()).optional(),
});

/** A signal as stored on its decision (`signals`, in arrival order; records only grow). */
export interface ImplicitSignal {
  signalId: string;
  type: SignalType;
  at: string;
  detail?: Record<string, unknown>;
  receivedAt: string;
  actor: string;
  /** What it judged when it arrived, so its event never changes afterwards. */
  judged: {
    route: "auto" | "human";
    outcome: string;
    outcomeSource: "model" | "reviewer" | "fallback";
    /** An automated decision whose audit was in. */
    audited: boolean;
  };
  /** The experiment said, when it arrived, that this signal's type marks the outcome wrong. */
  marksWrong: boolean;
}

/** A decision keeps at most this many signals (its item stays far below DynamoDB's 400 KB). */
export const MAX_SIGNALS = 100;

export interface SignalStore {
  get(decisionId: string): Promise<DecisionWithGroundTruth | undefined>;
  /** Appends the signal if the decision still has `expected` signals; "conflict" otherwise (nothing written). */
  append(decisionId: string, signal: ImplicitSignal, expected: number): Promise<"appended" | "conflict">;
}

export interface SignalDeps {
  store: SignalStore;
  experiments: Pick<ExperimentStore, "get">;
  reviews: Pick<ReviewStore, "get">;
  audit: Pick<AuditLog, "append">;
  now: () => Date;
}

export interface SignalResult {
  decisionId: string;
  signal: ImplicitSignal;
  /** The same signal id was already stored (nothing changed). */
  replayed: boolean;
}

const same = (a: ImplicitSignal, b: { type: string; at: string; detail?: unknown }) =>
  a.type === b.type &&
  Date.parse(a.at) === Date.parse(b.at) &&
  JSON.stringify(a.detail) === JSON.stringify(b.detail);

/**
 * Stores an implicit signal on its settled decision, once per signal id: a repeat answers as before,
 * a reused id with another body gets 409. The write is conditional on the number of signals read,
 * so two concurrent signals both land (the loser reads again). Bad input: 400 naming the field.
 */
export async function recordSignal(
  deps: SignalDeps,
  decisionId: string,
  body: unknown,
  actor: string,
): Promise<SignalResult> {
  if (body === undefined)
    throw new DomainError(400, "missing_body", 'request body is empty; send { "signalId", "type", "at" }');
  const parsed = parseWithSchema(SignalInputSchema, body, "request body");
  if (!parsed.ok) throw validationFailed("signal", parsed.errors);
  const input = parsed.value;
  for (let attempt = 0; attempt < 5; attempt++) {
    const decision = await deps.store.get(decisionId);
    if (!decision) throw notFound("decision", decisionId);
    const signals = decision.signals ?? [];
    const earlier = signals.find((s) => s.signalId === input.signalId);
    if (earlier) {
      if (same(earlier, input)) return { decisionId, signal: earlier, replayed: true };
      throw new DomainError(
        409,
        "signal_exists",
        `signal "${input.signalId}" was already sent with another body`,
      );
    }
    if (decision.outcome === undefined || decision.status === "held" || decision.status === "withdrawn")
      throw new DomainError(
        409,
        "decision_not_settled",
        `decision "${decisionId}" is ${decision.status}; a signal judges a final outcome, send it once the decision is settled`,
      );
    if (signals.length >= MAX_SIGNALS)
      throw new DomainError(
        409,
        "too_many_signals",
        `decision "${decisionId}" has ${MAX_SIGNALS} signals, the most it keeps`,
      );
    const experiment = await deps.experiments.get(decision.experimentId);
    const settings = SignalSettingsSchema.parse(experiment?.signals ?? {});
    const now = deps.now().toISOString();
    const signal: ImplicitSignal = {
      signalId: input.signalId,
      type: input.type,
      at: new Date(input.at).toISOString(),
      ...(input.detail ? { detail: input.detail } : {}),
      receivedAt: now,
      actor,
      judged: {
        route: decision.route,
        outcome: decision.outcome,
        outcomeSource:
          decision.outcomeSource === "reviewer" || decision.outcomeSource === "fallback"
            ? decision.outcomeSource
            : "model",
        audited: await audited(deps, decision),
      },
      marksWrong: settings.asGroundTruth && settings.wrong.includes(input.type),
    };
    if ((await deps.store.append(decisionId, signal, signals.length)) === "conflict") continue;
    await deps.audit.append([
      {
        entity: decisionEntity(decisionId),
        at: now,
        actor,
        action: "signal",
        detail: { signalId: signal.signalId, type: signal.type, at: signal.at },
      },
    ]);
    return { decisionId, signal, replayed: false };
  }
  throw new DomainError(
    409,
    "signal_conflict",
    `decision "${decisionId}" changed five times while storing the signal; send it again`,
  );
}
