import { functionNameOf } from "../lambda/spec";
import { resourcesOf } from "../template/load";
import type { TemplateResolver } from "../template/resolve";
import { type CloudAssembly, isRecord, type ResourceRef } from "../template/types";

export const SCHEDULE_TYPES = ["AWS::Events::Rule", "AWS::Scheduler::Schedule"] as const;

/** One function a schedule invokes, with the payload AWS would send it. */
export interface ScheduleTarget {
  readonly functionName: string;
  /** The target's `Input` (parsed JSON); absent = the service's default event. */
  readonly input?: unknown;
}

export interface ScheduleSpec {
  readonly ref: ResourceRef;
  readonly type: (typeof SCHEDULE_TYPES)[number];
  /** Local physical name (what `Ref` gives). */
  readonly name: string;
  readonly arn: string;
  readonly expression: string;
  readonly periodMs: number;
  readonly enabled: boolean;
  readonly targets: readonly ScheduleTarget[];
}

export interface SkippedSchedule {
  readonly ref: ResourceRef;
  readonly reason: string;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `rate(15 minutes)` → 900000; undefined for anything else (cron, at, malformed). */
export function parseRate(expression: string): number | undefined {
  const match = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = UNIT_MS[(match[2] ?? "").replace(/s$/, "")];
  return value > 0 && unit ? value * unit : undefined;
}

function parseInput(raw: unknown): { ok: true; value?: unknown } | { ok: false } {
  if (raw === undefined) return { ok: true };
  if (typeof raw !== "string") return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function lambdaTarget(arn: unknown): string | undefined {
  return typeof arn === "string" && arn.startsWith("arn:aws:lambda:") ? functionNameOf(arn) : undefined;
}

/**
 * Rate schedules of the templates that invoke Lambda functions: EventBridge rules
 * (`ScheduleExpression`, `State`, `Targets[].Arn`, `Targets[].Input`) and EventBridge Scheduler
 * schedules (`ScheduleExpression`, `State`, `Target.Arn`, `Target.Input`). Cron and one-time
 * schedules, event-pattern rules, input transformers and non-Lambda targets are listed as skipped.
 */
export function scheduleSpecs(
  resolver: TemplateResolver,
  assembly: CloudAssembly,
): { specs: ScheduleSpec[]; skipped: SkippedSchedule[] } {
  const specs: ScheduleSpec[] = [];
  const skipped: SkippedSchedule[] = [];
  for (const type of SCHEDULE_TYPES) {
    for (const ref of resourcesOf(assembly, type)) {
      if (!resolver.isActive(ref)) continue;
      const skip = (reason: string) => skipped.push({ ref, reason });
      const expression = String(resolver.property(ref, "ScheduleExpression") ?? "");
      if (!expression) {
        skip("an event-pattern rule (only schedules are run)");
        continue;
      }
      const periodMs = parseRate(expression);
      if (periodMs === undefined) {
        skip(`${expression}: only rate(...) schedules are run locally`);
        continue;
      }
      const rawTargets =
        type === "AWS::Events::Rule"
          ? resolver.property(ref, "Targets")
          : [resolver.property(ref, "Target")].filter(Boolean);
      const targets: ScheduleTarget[] = [];
      for (const target of Array.isArray(rawTargets) ? rawTargets : []) {
        if (!isRecord(target)) continue;
        const functionName = lambdaTarget(target.Arn);
        if (!functionName) {
          skip(`target ${String(target.Arn)} is not a Lambda function`);
          continue;
        }
        if (target.InputPath !== undefined || target.InputTransformer !== undefined) {
          skip(`target ${functionName}: InputPath and InputTransformer are not emulated`);
          continue;
        }
        const input = parseInput(target.Input);
        if (!input.ok) {
          skip(`target ${functionName}: Input is not JSON`);
          continue;
        }
        targets.push({ functionName, ...("value" in input ? { input: input.value } : {}) });
      }
      if (targets.length === 0) continue;
      const state = String(resolver.property(ref, "State") ?? "ENABLED");
      specs.push({
        ref,
        type,
        name: resolver.physicalName(ref.stack, ref.logicalId),
        arn: String(resolver.getAtt(ref.stack, ref.logicalId, "Arn")),
        expression,
        periodMs,
        enabled: state === "ENABLED",
        targets,
      });
    }
  }
  return { specs, skipped };
}
