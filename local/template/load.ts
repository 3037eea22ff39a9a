import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  type CfnTemplate,
  type CloudAssembly,
  isRecord,
  type ResourceRef,
  type StackTemplate,
} from "./types";

interface Artifact {
  readonly type?: string;
  readonly properties?: Record<string, unknown>;
  readonly dependencies?: string[];
  readonly displayName?: string;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read ${file}: ${reason} (run "npx cdk synth" first?)`);
  }
}

/** Stacks of one assembly folder; nested assemblies (CDK Stages) are walked too. */
function stacksOf(dir: string): StackTemplate[] {
  const manifest = readJson(path.join(dir, "manifest.json"));
  if (!isRecord(manifest) || !isRecord(manifest.artifacts)) {
    throw new Error(`${path.join(dir, "manifest.json")} has no artifacts`);
  }
  const artifacts = manifest.artifacts as Record<string, Artifact>;
  const byId = new Map<string, StackTemplate>();
  const nested: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    const props = artifact.properties ?? {};
    if (artifact.type === "cdk:cloud-assembly" && typeof props.directoryName === "string") {
      nested.push(...stacksOf(path.join(dir, props.directoryName)));
    }
    if (artifact.type !== "aws:cloudformation:stack" || typeof props.templateFile !== "string") continue;
    const templateFile = path.join(dir, props.templateFile);
    const stackName = typeof props.stackName === "string" ? props.stackName : id;
    byId.set(id, { stackName, dir, templateFile, template: readJson(templateFile) as CfnTemplate });
  }
  return [...orderByDependencies(byId, artifacts), ...nested];
}

function orderByDependencies(byId: Map<string, StackTemplate>, artifacts: Record<string, Artifact>) {
  const ordered: StackTemplate[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dep of artifacts[id]?.dependencies ?? []) visit(dep);
    const stack = byId.get(id);
    if (stack) ordered.push(stack);
  };
  for (const id of byId.keys()) visit(id);
  return ordered;
}

/** Reads `manifest.json` of a synthesized app and every stack template it names. */
export function loadCloudAssembly(cdkOut: string): CloudAssembly {
  const dir = path.resolve(cdkOut);
  const stacks = stacksOf(dir);
  if (stacks.length === 0) throw new Error(`${dir}/manifest.json names no CloudFormation stack`);
  return { dir, stacks };
}

/** Every resource of the assembly, optionally only those of one type, in stack order. */
export function resourcesOf(assembly: CloudAssembly, type?: string): ResourceRef[] {
  const out: ResourceRef[] = [];
  for (const stack of assembly.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (type === undefined || resource.Type === type) out.push({ stack, logicalId, resource });
    }
  }
  return out;
}
