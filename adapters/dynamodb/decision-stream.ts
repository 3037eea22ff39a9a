import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { routedEvent } from "../../core/metrics/builders";
import type { MetricEvent } from "../../core/metrics/events";
import { parseMetricEvent } from "../../core/metrics/parse";
import type { StreamRecord } from "../../core/metrics/stream-batches";
import { isSequenceNumber } from "../../core/metrics/stream-position";
import { fromItem, SK } from "./decision-store";

/** The part of a Lambda DynamoDB stream record this reads (aws-lambda's type, without its `any`). */
export interface DecisionStreamRecord {
  eventName?: string;
  dynamodb?: {
    SequenceNumber?: string;
    NewImage?: Record<string, AttributeValue>;
  };
}

export interface DecodedBatch {
  records: StreamRecord[];
  /** Records that claim to be decisions but do not make a valid event: left uncounted, named in logs. */
  malformed: { sequence: string; decisionId?: string; reason: string }[];
}

/**
 * Turns a batch of the decisions table's stream into positioned metric events: the INSERT of a
 * decision record is its `decision.routed` event; every other record (updates, feedback items)
 * keeps its position and counts nothing.
 */
export function decodeDecisionStream(records: readonly DecisionStreamRecord[]): DecodedBatch {
  const out: DecodedBatch = { records: [], malformed: [] };
  for (const record of records) {
    const sequence = record.dynamodb?.SequenceNumber;
    if (!isSequenceNumber(sequence)) throw new RangeError(`stream record without a sequence number`);
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== "INSERT" || !image || image.sk?.S !== SK) {
      out.records.push({ sequence });
      continue;
    }
    const decoded = decode(image);
    if ("event" in decoded) out.records.push({ sequence, event: decoded.event });
    else {
      out.records.push({ sequence });
      out.malformed.push({ sequence, decisionId: image.pk?.S ?? "", reason: decoded.reason });
    }
  }
  return out;
}

/**
 * The routed event of one decision image, or why there is none: a record that cannot be read must
 * become a skipped record, never a throw that fails the batch and stalls its shard.
 */
function decode(image: Record<string, AttributeValue>): { event: MetricEvent } | { reason: string } {
  try {
    const parsed = parseMetricEvent(JSON.stringify(routedEvent(fromItem(unmarshall(image)))));
    return parsed.ok ? { event: parsed.event } : { reason: parsed.reason };
  } catch (error) {
    return {
      reason: `unreadable decision record: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
