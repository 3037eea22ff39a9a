import { resourcesOf } from "./load";
import type { TemplateResolver } from "./resolve";
import { type CloudAssembly, isRecord, type ResourceRef } from "./types";

export interface StateMachineSpec {
  readonly ref: ResourceRef;
  readonly arn: string;
  readonly name: string;
  readonly type: "STANDARD" | "EXPRESS";
  readonly definition: Record<string, unknown>;
}

/** `${key}` placeholders of DefinitionSubstitutions, replaced in the definition's JSON text. */
function substitute(text: string, substitutions: unknown): string {
  if (!isRecord(substitutions)) return text;
  return text.replace(/\$\{([^}]+)\}/g, (match, key: string) =>
    key in substitutions ? String(substitutions[key]) : match,
  );
}

export function stateMachineSpec(resolver: TemplateResolver, ref: ResourceRef): StateMachineSpec {
  const where = `${ref.stack.stackName}/${ref.logicalId}`;
  const inline = resolver.property(ref, "Definition");
  const text = inline !== undefined ? JSON.stringify(inline) : resolver.property(ref, "DefinitionString");
  if (typeof text !== "string") {
    throw new Error(`${where}: only DefinitionString or Definition are supported (not DefinitionS3Location)`);
  }
  const definition: unknown = JSON.parse(substitute(text, resolver.property(ref, "DefinitionSubstitutions")));
  if (!isRecord(definition)) throw new Error(`${where}: the definition is not a JSON object`);
  const type = resolver.property(ref, "StateMachineType") === "EXPRESS" ? "EXPRESS" : "STANDARD";
  return {
    ref,
    arn: String(resolver.ref(ref.stack, ref.logicalId)),
    name: String(resolver.getAtt(ref.stack, ref.logicalId, "Name")),
    type,
    definition,
  };
}

export function stateMachineSpecs(resolver: TemplateResolver, assembly: CloudAssembly): StateMachineSpec[] {
  return resourcesOf(assembly, "AWS::StepFunctions::StateMachine")
    .filter((ref) => resolver.isActive(ref))
    .map((ref) => stateMachineSpec(resolver, ref));
}
