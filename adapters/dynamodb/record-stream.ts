import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DecisionWithGroundTruth } from "../../core/feedback/ports";
import { type CountedRecord, eventDelta } from "../../core/metrics/implied";
import type { StreamRecord } from "../../core/metrics/stream-batches";
import { isSequenceNumber } from "../../core/metrics/stream-position";
import { readNumber } from "./client";
import { SK as DECISION_SK, fromItem as decisionFromItem } from "./decision-store";
import { FEEDBACK_SK, feedbackFromItem } from "./feedback-store";
import { fromReviewItem, REVIEW_SK } from "./review-store";

/** The part of a Lambda DynamoDB stream record this reads (aws-lambda's type, without its `any`). */
export interface TableStreamRecord {
  eventName?: string;
  dynamodb?: {
    SequenceNumber?: string;
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
  };
}

export interface DecodedBatch {
  records: StreamRecord[];
  /** Events a record implies but that are not valid (a missing or mistyped field): left uncounted, named in logs. */
  invalid: { sequence: string; key?: string; id: string; reason: string }[];
}

/** The counted record an item image holds, told apart by its sort key; undefined for other items. */
export function countedRecordOf(item: Record<string, unknown>): CountedRecord | undefined {
  switch (item.sk) {
    case DECISION_SK:
      return { kind: "decision", record: decisionFromItem(item) as DecisionWithGroundTruth };
    case REVIEW_SK:
      return { kind: "review", record: fromReviewItem(item) };
    case FEEDBACK_SK:
      return { kind: "feedback", record: feedbackFromItem(item) };
    default:
      return undefined;
  }
}

/**
 * Turns a batch of a records table's stream (decisions, reviews; NEW_AND_OLD_IMAGES) into positioned
 * counts: what the new image implies minus what the old one did (core/metrics/implied). A deleted
 * item (REMOVE, TTL) counts nothing: what it implied stays counted. Every record keeps its position,
 * so the shard's mark moves past records that count nothing.
 */
export function decodeRecordStream(records: readonly TableStreamRecord[]): DecodedBatch {
  const out: DecodedBatch = { records: [], invalid: [] };
  for (const record of records) {
    const sequence = record.dynamodb?.SequenceNumber;
    if (!isSequenceNumber(sequence)) throw new RangeError("stream record without a sequence number");
    if (record.eventName === "REMOVE") {
      out.records.push({ sequence });
      continue;
    }
    const before = read(record.dynamodb?.OldImage);
    const after = read(record.dynamodb?.NewImage);
    const key = after.key ?? before.key;
    for (const reason of [before.error, after.error].filter((r) => r !== undefined))
      out.invalid.push({ sequence, ...(key ? { key } : {}), id: "(image)", reason });
    const delta = eventDelta(before.counted, after.counted);
    for (const bad of delta.invalid) out.invalid.push({ sequence, ...(key ? { key } : {}), ...bad });
    out.records.push({
      sequence,
      ...(delta.added.length ? { added: delta.added } : {}),
      ...(delta.retracted.length ? { retracted: delta.retracted } : {}),
    });
  }
  return out;
}

/**
 * An image's counted record; an image that cannot be read implies nothing (it must become a record
 * that counts nothing, never a throw that fails the batch and stalls its shard).
 */
function read(image: Record<string, AttributeValue> | undefined): {
  counted?: CountedRecord;
  key?: string;
  error?: string;
} {
  if (!image) return {};
  const key = image.pk?.S;
  try {
    const counted = countedRecordOf(unmarshall(image, { wrapNumbers: readNumber }));
    return { ...(counted ? { counted } : {}), ...(key ? { key } : {}) };
  } catch (error) {
    return {
      ...(key ? { key } : {}),
      error: `unreadable image: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
