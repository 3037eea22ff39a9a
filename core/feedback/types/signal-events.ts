import type { SignalReceivedEvent } from "../../metrics/events";
import type { DecisionWithGroundTruth } from "../ports";

/**
 * The implicit signals a decision implies: one event per signal type, from the first signal of
 * that type (a user who complains twice is one complaint), the first of the decision's signals
 * flagged `first` (the rates' denominator). Where the experiment said so when it arrived, the first
 * wrong-marking signal also marks the outcome wrong for quality, unless ground truth is attached
 * (which then decides; the event changes and the counts move with it, live and rebuilt alike).
 */
export function signalEvents(record: DecisionWithGroundTruth): SignalReceivedEvent[] {
  const events: SignalReceivedEvent[] = [];
  const types = new Set<string>();
  let wrongTaken = record.groundTruth !== undefined;
  (record.signals ?? []).forEach((signal, i) => {
    if (types.has(signal.type)) return;
    types.add(signal.type);
    const marksWrong = signal.marksWrong && !wrongTaken;
    if (marksWrong) wrongTaken = true;
    events.push({
      type: "signal.received",
      id: `signal.received:${record.decisionId}:${signal.type}`,
      at: signal.receivedAt,
      experimentId: record.experimentId,
      arm: record.arm,
      enrolled: record.enrolled,
      decisionId: record.decisionId,
      signal: signal.type,
      route: signal.judged.route,
      outcomeSource: signal.judged.outcomeSource,
      audited: signal.judged.audited,
      first: i === 0,
      marksWrong,
    });
  });
  return events;
}
