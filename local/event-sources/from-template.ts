import { functionNameOf } from "../lambda/spec";
import { resourcesOf } from "../template/load";
import type { TemplateResolver } from "../template/resolve";
import { type CloudAssembly, isRecord, type ResourceRef } from "../template/types";

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

export interface SkippedMapping {
  readonly ref: ResourceRef;
  readonly reason: string;
}

function positive(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
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
    if (!source.startsWith("arn:aws:sqs:")) {
      skipped.push({ ref, reason: `event source ${source || "(none)"} is not an SQS queue` });
      continue;
    }
    const scaling = resolver.property(ref, "ScalingConfig");
    const responseTypes = resolver.property(ref, "FunctionResponseTypes");
    specs.push({
      ref,
      queueArn: source,
      functionName: functionNameOf(String(resolver.property(ref, "FunctionName"))),
      batchSize: positive(resolver.property(ref, "BatchSize"), 10),
      batchingWindowSeconds: positive(resolver.property(ref, "MaximumBatchingWindowInSeconds"), 0),
      reportBatchItemFailures:
        Array.isArray(responseTypes) && responseTypes.includes("ReportBatchItemFailures"),
      enabled: resolver.property(ref, "Enabled") !== false && resolver.property(ref, "Enabled") !== "false",
      concurrency: positive(isRecord(scaling) ? scaling.MaximumConcurrency : undefined, DEFAULT_CONCURRENCY),
    });
  }
  return { specs, skipped };
}
