/**
 * What the benchmark needs from the synthesized app: each function's memory and whether an SQS
 * event source feeds it, the state machines and the tables, keyed the way the local cloud names them.
 */
import type { LocalCloud } from "../local/cloud";
import { type CloudAssembly, loadCloudAssembly, resourcesOf } from "../local/template";

export interface FunctionInfo {
  /** Physical name (what invocation reports carry). */
  name: string;
  /** The construct id, e.g. "DecisionsApi". */
  label: string;
  memoryMb: number;
  /** Fed by an SQS event source mapping (its poller makes SQS requests too). */
  sqsTriggered: boolean;
  /** The mapping's EventSourceArn as written in the template (e.g. an import naming "IngestQueue"). */
  eventSource?: string;
}

export interface AppInfo {
  functions: Record<string, FunctionInfo>;
  routerArn: string;
  reviewArn: string;
  tables: Record<string, string>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The construct path without its stack and its CDK-made tail: "HitlCompute/DecisionsApi/Fn/Resource"
 * → "DecisionsApi", "HitlCompute/Metrics/Counter/Fn/Resource" → "Metrics/Counter".
 */
export function constructLabel(path: string | undefined, fallback: string): string {
  const parts = (path ?? "").split("/").slice(1);
  if (parts.at(-1) === "Resource") parts.pop();
  if (parts.length > 1 && parts.at(-1) === "Fn") parts.pop();
  return parts.length > 0 ? parts.join("/") : fallback;
}

export function appInfo(cloud: LocalCloud, assembly: CloudAssembly = loadCloudAssembly("cdk.out")): AppInfo {
  const byId = cloud.resources.byLogicalId;
  const triggered = new Map<string, string>();
  for (const ref of resourcesOf(assembly, "AWS::Lambda::EventSourceMapping")) {
    const target = ref.resource.Properties?.FunctionName;
    const logicalId = isRecord(target) && typeof target.Ref === "string" ? target.Ref : undefined;
    // Stream sources (Kinesis, DynamoDB) must set StartingPosition; SQS ones never do.
    const fromSqs = ref.resource.Properties?.StartingPosition === undefined;
    if (logicalId && fromSqs)
      triggered.set(logicalId, JSON.stringify(ref.resource.Properties?.EventSourceArn));
  }
  const functions: Record<string, FunctionInfo> = {};
  for (const ref of resourcesOf(assembly, "AWS::Lambda::Function")) {
    const info = byId[ref.logicalId];
    if (!info) continue;
    const memory = Number(ref.resource.Properties?.MemorySize);
    functions[info.name] = {
      name: info.name,
      label: constructLabel(info.path, ref.logicalId),
      memoryMb: Number.isFinite(memory) && memory > 0 ? memory : 128,
      sqsTriggered: triggered.has(ref.logicalId),
      ...(triggered.has(ref.logicalId) ? { eventSource: triggered.get(ref.logicalId) } : {}),
    };
  }
  let routerArn = "";
  let reviewArn = "";
  const tables: Record<string, string> = {};
  for (const info of Object.values(byId)) {
    if (info.type === "AWS::StepFunctions::StateMachine") {
      if (info.path?.includes("/Router/")) routerArn = info.ref;
      if (info.path?.includes("/Review/")) reviewArn = info.ref;
    }
    if (info.type === "AWS::DynamoDB::Table" || info.type === "AWS::DynamoDB::GlobalTable")
      tables[constructLabel(info.path, info.name)] = info.name;
  }
  if (!routerArn || !reviewArn) throw new Error("the templates have no Router or Review state machine");
  return { functions, routerArn, reviewArn, tables };
}

/** The execution ARN of a STANDARD execution by name. */
export const executionArn = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
