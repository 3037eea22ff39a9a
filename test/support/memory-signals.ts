import type { DecisionWithGroundTruth } from "../../core/feedback/ports";
import type { ImplicitSignal, SignalStore } from "../../core/feedback/types/signals";
import type { MemoryDecisions } from "./memory";

/** Signals on the in-memory decisions, conditional on the count like DynamoSignalStore; writes logged. */
export class MemorySignals implements SignalStore {
  /** Appends to refuse once each, as a concurrent writer would have won them. */
  racesToLose = 0;
  constructor(readonly decisions: MemoryDecisions) {}
  async get(decisionId: string) {
    const record = this.decisions.items.get(decisionId);
    return record ? (structuredClone(record) as DecisionWithGroundTruth) : undefined;
  }
  async append(decisionId: string, signal: ImplicitSignal, expected: number) {
    const record = this.decisions.items.get(decisionId) as DecisionWithGroundTruth | undefined;
    if (!record || (record.signalCount ?? 0) !== expected) return "conflict" as const;
    if (this.racesToLose > 0) {
      this.racesToLose--;
      return "conflict" as const;
    }
    const before = structuredClone(record);
    record.signals = [...(record.signals ?? []), structuredClone(signal)];
    record.signalCount = expected + 1;
    record.updatedAt = signal.receivedAt;
    this.decisions.log?.wrote("decision", before, record);
    return "appended" as const;
  }
}
