// Two helpers of the local cloud: the stop steps it collects as it starts things, and the list of
// the resources it created (by logical id) that tests and tools look names up in.
import type { ResourceInfo } from "./cloud";
import { type loadCloudAssembly, resourcesOf, type TemplateResolver } from "./template";

/** Cleanups run last-in first-out; a failing one does not keep the others from running. */
export class Teardown {
  private readonly steps: Array<{ name: string; run: () => Promise<void> | void }> = [];
  private readonly log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.log = log;
  }

  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        this.log(`stopping ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

export function resourceInventory(
  resolver: TemplateResolver,
  assembly: ReturnType<typeof loadCloudAssembly>,
) {
  const byLogicalId: Record<string, ResourceInfo> = {};
  for (const ref of resourcesOf(assembly)) {
    if (!resolver.isActive(ref)) continue;
    try {
      const value = resolver.ref(ref.stack, ref.logicalId);
      let arn: string | undefined;
      try {
        arn = String(resolver.getAtt(ref.stack, ref.logicalId, "Arn"));
      } catch {
        arn = undefined;
      }
      const cdkPath = ref.resource.Metadata?.["aws:cdk:path"];
      byLogicalId[ref.logicalId] = {
        type: ref.resource.Type,
        stackName: ref.stack.stackName,
        ...(typeof cdkPath === "string" ? { path: cdkPath } : {}),
        ref: String(value),
        name: resolver.physicalName(ref.stack, ref.logicalId),
        ...(arn ? { arn } : {}),
      };
    } catch {
      // Resources whose names cannot be resolved locally are simply not listed.
    }
  }
  return byLogicalId;
}
