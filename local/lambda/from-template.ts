import { existsSync } from "node:fs";
import * as path from "node:path";
import { resourcesOf } from "../template/load";
import type { TemplateResolver } from "../template/resolve";
import { type CloudAssembly, isRecord, type ResourceRef } from "../template/types";
import type { FunctionSpec } from "./spec";

const DEFAULT_CONCURRENCY = 4;
/** A template may reserve hundreds; a laptop has a few cores. */
const MAX_CONCURRENCY = 16;

export interface SkippedFunction {
  readonly ref: ResourceRef;
  readonly reason: string;
}

function numberProp(resolver: TemplateResolver, ref: ResourceRef, name: string, fallback: number): number {
  const value = Number(resolver.property(ref, name));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function environment(resolver: TemplateResolver, ref: ResourceRef): Record<string, string> {
  const env = resolver.property(ref, "Environment");
  const variables = isRecord(env) && isRecord(env.Variables) ? env.Variables : {};
  return Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)]));
}

/** Why a function cannot run locally, or undefined when it can. */
function unsupported(resolver: TemplateResolver, ref: ResourceRef): string | undefined {
  const runtime = resolver.property(ref, "Runtime");
  if (resolver.property(ref, "PackageType") === "Image")
    return "container image functions are not run locally";
  if (typeof runtime === "string" && !runtime.startsWith("nodejs"))
    return `runtime ${runtime} is not Node.js`;
  const assetPath = ref.resource.Metadata?.["aws:asset:path"];
  if (typeof assetPath !== "string")
    return 'no "aws:asset:path" metadata (inline or S3 code is not run locally)';
  const taskRoot = path.resolve(ref.stack.dir, assetPath);
  if (!existsSync(taskRoot)) return `asset folder ${taskRoot} is missing`;
  return undefined;
}

/**
 * One spec per `AWS::Lambda::Function` whose bundled asset is in the cloud assembly. `reserved`
 * are the variables the local cloud sets itself (region, credentials, endpoints): like Lambda's
 * reserved variables, they win over the template's.
 */
export function functionSpecs(
  resolver: TemplateResolver,
  assembly: CloudAssembly,
  reserved: Readonly<Record<string, string>>,
): { specs: FunctionSpec[]; skipped: SkippedFunction[] } {
  const specs: FunctionSpec[] = [];
  const skipped: SkippedFunction[] = [];
  for (const ref of resourcesOf(assembly, "AWS::Lambda::Function")) {
    if (!resolver.isActive(ref)) continue;
    const reason = unsupported(resolver, ref);
    if (reason) {
      skipped.push({ ref, reason });
      continue;
    }
    const name = resolver.physicalName(ref.stack, ref.logicalId);
    const memoryMb = numberProp(resolver, ref, "MemorySize", 128);
    const reservedConcurrency = Number(resolver.property(ref, "ReservedConcurrentExecutions"));
    specs.push({
      logicalId: ref.logicalId,
      name,
      arn: String(resolver.getAtt(ref.stack, ref.logicalId, "Arn")),
      taskRoot: path.resolve(ref.stack.dir, String(ref.resource.Metadata?.["aws:asset:path"])),
      handler: String(resolver.property(ref, "Handler") ?? "index.handler"),
      timeoutSeconds: numberProp(resolver, ref, "Timeout", 3),
      memoryMb,
      concurrency:
        Number.isInteger(reservedConcurrency) && reservedConcurrency > 0
          ? Math.min(reservedConcurrency, MAX_CONCURRENCY)
          : DEFAULT_CONCURRENCY,
      env: {
        ...environment(resolver, ref),
        ...reserved,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        AWS_EXECUTION_ENV: `AWS_Lambda_${String(resolver.property(ref, "Runtime") ?? "nodejs")}`,
        LAMBDA_TASK_ROOT: path.resolve(ref.stack.dir, String(ref.resource.Metadata?.["aws:asset:path"])),
      },
    });
  }
  return { specs, skipped };
}
