import { encodePart, P } from "../../metrics/counters";
import type { FeedbackGivenEvent, SignalReceivedEvent } from "../../metrics/events";

/**
 * Counter names of typed feedback (all integers, like every counter): per arm and hour, summed over
 * held and audited items. Free-text parts (criterion names, candidate sources) are encoded.
 */
export const F = {
  corrections: "fb:corr",
  accepted: "fb:corrAccepted",
  textCorrections: "fb:corrText",
  /** Sum of normalised edit distances × 10⁶. */
  editMicro: "fb:corrEditMicro",
  jsonCorrections: "fb:corrJson",
  changedFields: "fb:corrFields",
  pairwise: "fb:pw",
  equal: "fb:pwEqual",
  /** Verdicts that chose the candidate shown as A, or as B (position bias). */
  choseA: "fb:pwA",
  choseB: "fb:pwB",
  approvals: "fb:ap",
} as const;

export const rubricCounter = (criterion: string, part: "n" | "sum" | "sq" | "pass") =>
  `fb:rub:${encodePart(criterion)}:${part}`;
export const sourceCounter = (source: string, part: "n" | "win" | "tie") =>
  `fb:pwSrc:${encodePart(source)}:${part}`;
export const approvalCounter = (action: "approve" | "reject" | "edit") => `fb:ap:${action}`;

/**
 * Audited items' typed feedback is counted twice: in the arm's totals and again under this prefix,
 * so the report can tell the model's automated answers (audits) from the items it held.
 */
export const AUDITED_PREFIX = "fb:aud:";
const audited = (name: string) => `${AUDITED_PREFIX}${name.slice("fb:".length)}`;

/** The audited items' typed-feedback counters, under their ordinary names. */
export function auditedCounters(counters: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters))
    if (name.startsWith(AUDITED_PREFIX)) out[`fb:${name.slice(AUDITED_PREFIX.length)}`] = value;
  return out;
}

/** The held items' typed-feedback counters: the totals less the audited items'. */
export function heldCounters(counters: Readonly<Record<string, number>>): Record<string, number> {
  const audits = auditedCounters(counters);
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) {
    if (!name.startsWith("fb:") || name.startsWith(AUDITED_PREFIX)) continue;
    const held = value - (audits[name] ?? 0);
    if (held !== 0) out[name] = held;
  }
  return out;
}

/** What one `feedback.given` event adds. */
export function typedFeedbackCounters(
  event: FeedbackGivenEvent,
  addTotal: (name: string, value?: number) => void,
): void {
  const add =
    event.kind === "audit"
      ? (name: string, value?: number) => {
          addTotal(name, value);
          addTotal(audited(name), value);
        }
      : addTotal;
  const c = event.correction;
  if (c) {
    add(F.corrections);
    if (c.accepted) add(F.accepted);
    if (c.editDistance !== undefined) {
      add(F.textCorrections);
      add(F.editMicro, Math.round(c.editDistance * 1e6));
    }
    if (c.changedFields !== undefined) {
      add(F.jsonCorrections);
      add(F.changedFields, c.changedFields);
    }
  }
  for (const r of event.rubric ?? []) {
    add(rubricCounter(r.criterion, "n"));
    add(rubricCounter(r.criterion, "sum"), r.score);
    add(rubricCounter(r.criterion, "sq"), r.score * r.score);
    if (r.pass) add(rubricCounter(r.criterion, "pass"));
  }
  const p = event.pairwise;
  if (p) {
    add(F.pairwise);
    if (p.choice === "equal") add(F.equal);
    else add(p.choice === "A" ? F.choseA : F.choseB);
    for (const source of p.positions) {
      add(sourceCounter(source, "n"));
      if (p.winner === "equal") add(sourceCounter(source, "tie"));
      else if (p.winner === source) add(sourceCounter(source, "win"));
    }
  }
  if (event.approval) {
    add(F.approvals);
    add(approvalCounter(event.approval));
  }
  const pair = event.pair;
  if (pair?.correction) add(agreementCounter("corr", "accepted", pair.correction.map(String)));
  if (pair?.pairwise) add(agreementCounter("pw", "winner", pair.pairwise));
  if (pair?.approval) add(agreementCounter("ap", "action", pair.approval));
  for (const r of pair?.rubric ?? []) add(agreementCounter("rub", r.criterion, r.scores.map(String)));
}

/** `fb:agr:<type>:<part>:<a>|<b>`: double-reviewed items whose two independent verdicts gave a and b (sorted). */
export const AGREEMENT_PREFIX = "fb:agr:";
export function agreementCounter(type: string, part: string, values: readonly string[]): string {
  const [a, b] = [...values].map(encodePart).sort();
  return `${AGREEMENT_PREFIX}${type}:${encodePart(part)}:${a}|${b}`;
}

/** `sig:<route>:n`: decisions with a signal; `sig:<route>:<type>`: decisions with a signal of that type. */
export const signalCounter = (route: "auto" | "human", part: string) => `sig:${route}:${part}`;

/** The ground-truth class a wrong-marking signal counts in (as `groundTruthClass` does for ground truth). */
function signalClass(event: SignalReceivedEvent): "auto" | "audited" | "human" | "fallback" {
  if (event.route === "auto") return event.audited ? "audited" : "auto";
  return event.outcomeSource === "fallback" ? "fallback" : "human";
}

/** What one `signal.received` event adds; a wrong-marking one counts as ground truth that found the outcome wrong. */
export function signalCounters(
  event: SignalReceivedEvent,
  add: (name: string, value?: number) => void,
): void {
  if (event.first) add(signalCounter(event.route, "n"));
  add(signalCounter(event.route, event.signal));
  if (event.marksWrong) add(`${P.gt}${signalClass(event)}`);
}
