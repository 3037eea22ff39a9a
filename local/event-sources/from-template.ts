import { functionNameOf } from "../lambda/spec";
import { resourcesOf } from "../template/load";
import type { TemplateResolver } from "../template/resolve";
import { type CloudAssembly, isRecord, type ResourceRef } from "../template/types";
import { compileFilters } from "./event-pattern";

const DEFAULT_CONCURRENCY = 2;

export interface SqsMappingSpec {
  readonly ref: ResourceRef;
  readonly queueArn: string;
  readonly functionName: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly enabled: boolean;
  readonly concurrency: number;
}

/** A DynamoDB stream mapping (Lambda's DynamoDB trigger); see dynamodb-stream-poller.ts. */
export interface StreamMappingSpec {
  readonly ref: ResourceRef;
  readonly streamArn: string;
  readonly functionName: string;
  readonly startingPosition: "TRIM_HORIZON" | "LATEST";
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly tumblingWindowSeconds: number;
  readonly parallelizationFactor: number;
  /** -1: until the batch succeeds (Lambda's default). */
  readonly maximumRetryAttempts: number;
  /** -1: no limit (Lambda's default). */
  readonly maximumRecordAgeSeconds: number;
  /** DestinationConfig.OnFailure.Destination. */
  readonly onFailureArn?: string;
  /** FilterCriteria.Filters[].Pattern, checked to compile. */
  readonly filterPatterns: readonly string[];
  readonly reportBatchItemFailures: boolean;
  readonly bisectBatchOnFunctionError: boolean;
  readonly enabled: boolean;
}

export interface SkippedMapping {
  readonly ref: ResourceRef;
  readonly reason: string;
}

function positive(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** `MaximumRetryAttempts` and friends: whole numbers where -1 means "no limit". */
function limit(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= -1 ? n : fallback;
}

/** `arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL` (DynamoDB Local's region is `ddblocal`). */
const STREAM_ARN = /^arn:aws:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\/.+$/;

function enabled(resolver: TemplateResolver, ref: ResourceRef): boolean {
  const value = resolver.property(ref, "Enabled");
  return value !== false && value !== "false";
}

function sqsSpec(resolver: TemplateResolver, ref: ResourceRef, queueArn: string): SqsMappingSpec {
  const scaling = resolver.property(ref, "ScalingConfig");
  const responseTypes = resolver.property(ref, "FunctionResponseTypes");
  return {
    ref,
    queueArn,
    functionName: functionNameOf(String(resolver.property(ref, "FunctionName"))),
    batchSize: positive(resolver.property(ref, "BatchSize"), 10),
    batchingWindowSeconds: positive(resolver.property(ref, "MaximumBatchingWindowInSeconds"), 0),
    reportBatchItemFailures:
      Array.isArray(responseTypes) && responseTypes.includes("ReportBatchItemFailures"),
    enabled: enabled(resolver, ref),
    concurrency: positive(isRecord(scaling) ? scaling.MaximumConcurrency : undefined, DEFAULT_CONCURRENCY),
  };
}

function filterPatterns(criteria: unknown): string[] {
  const filters = isRecord(criteria) && Array.isArray(criteria.Filters) ? criteria.Filters : [];
  return filters
    .map((filter) => (isRecord(filter) ? filter.Pattern : undefined))
    .filter((pattern) => pattern !== undefined)
    .map((pattern) => (typeof pattern === "string" ? pattern : JSON.stringify(pattern)));
}

function streamSpec(resolver: TemplateResolver, ref: ResourceRef, streamArn: string): StreamMappingSpec {
  const prop = (name: string) => resolver.property(ref, name);
  const destination = prop("DestinationConfig");
  const onFailure = isRecord(destination) && isRecord(destination.OnFailure) ? destination.OnFailure : {};
  const responseTypes = prop("FunctionResponseTypes");
  const patterns = filterPatterns(prop("FilterCriteria"));
  // Throws a PatternError naming the filter: Lambda would refuse such a mapping too.
  compileFilters(patterns);
  return {
    ref,
    streamArn,
    functionName: functionNameOf(String(prop("FunctionName"))),
    startingPosition: prop("StartingPosition") === "LATEST" ? "LATEST" : "TRIM_HORIZON",
    batchSize: positive(prop("BatchSize"), 100),
    batchingWindowSeconds: positive(prop("MaximumBatchingWindowInSeconds"), 0),
    tumblingWindowSeconds: positive(prop("TumblingWindowInSeconds"), 0),
    parallelizationFactor: positive(prop("ParallelizationFactor"), 1),
    maximumRetryAttempts: limit(prop("MaximumRetryAttempts"), -1),
    maximumRecordAgeSeconds: limit(prop("MaximumRecordAgeInSeconds"), -1),
    ...(typeof onFailure.Destination === "string" ? { onFailureArn: onFailure.Destination } : {}),
    filterPatterns: patterns,
    reportBatchItemFailures:
      Array.isArray(responseTypes) && responseTypes.includes("ReportBatchItemFailures"),
    bisectBatchOnFunctionError: prop("BisectBatchOnFunctionError") === true,
    enabled: enabled(resolver, ref),
  };
}

/** The template's event source mappings: SQS queues, DynamoDB streams, and the rest (skipped). */
export function eventSourceMappings(
  resolver: TemplateResolver,
  assembly: CloudAssembly,
): { sqs: SqsMappingSpec[]; streams: StreamMappingSpec[]; skipped: SkippedMapping[] } {
  const sqs: SqsMappingSpec[] = [];
  const streams: StreamMappingSpec[] = [];
  const skipped: SkippedMapping[] = [];
  for (const ref of resourcesOf(assembly, "AWS::Lambda::EventSourceMapping")) {
    if (!resolver.isActive(ref)) continue;
    const source = String(resolver.property(ref, "EventSourceArn") ?? "");
    if (source.startsWith("arn:aws:sqs:")) sqs.push(sqsSpec(resolver, ref, source));
    else if (STREAM_ARN.test(source)) {
      try {
        streams.push(streamSpec(resolver, ref, source));
      } catch (error) {
        skipped.push({ ref, reason: error instanceof Error ? error.message : String(error) });
      }
    } else {
      const kind = source.startsWith("arn:aws:kinesis:") ? "Kinesis streams are" : "this source is";
      skipped.push({ ref, reason: `event source ${source || "(none)"}: ${kind} not emulated` });
    }
  }
  return { sqs, streams, skipped };
}

/** The template's SQS event source mappings; streams, Kafka and MQ sources are skipped. */
export function sqsMappingSpecs(
  resolver: TemplateResolver,
  assembly: CloudAssembly,
): { specs: SqsMappingSpec[]; skipped: SkippedMapping[] } {
  const specs: SqsMappingSpec[] = [];
  const skipped: SkippedMapping[] = [];
  for (const ref of resourcesOf(assembly, "AWS::Lambda::EventSourceMapping")) {
    if (!resolver.isActive(ref)) continue;
    const source = String(resolver.property(ref, "EventSourceArn") ?? "");
    if (source.startsWith("arn:aws:sqs:")) specs.push(sqsSpec(resolver, ref, source));
    else skipped.push({ ref, reason: `event source ${source || "(none)"} is not an SQS queue` });
  }
  return { specs, skipped };
}

/** What of a stream mapping the local poller does differently, for the startup summary. */
export function streamMappingNotes(spec: StreamMappingSpec): string[] {
  const notes: string[] = [];
  if (spec.parallelizationFactor > 1)
    notes.push(`ParallelizationFactor ${spec.parallelizationFactor} runs as 1`);
  if (spec.bisectBatchOnFunctionError) notes.push("BisectBatchOnFunctionError not emulated");
  if (spec.reportBatchItemFailures) notes.push("a reported item failure retries the whole batch");
  return notes;
}
