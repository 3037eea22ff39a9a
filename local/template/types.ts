/** Shapes of a synthesized cloud assembly, kept as loose as CloudFormation itself. */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
}

export interface CfnOutput {
  readonly Value: unknown;
  readonly Export?: { readonly Name: unknown };
  readonly Condition?: string;
}

export interface CfnParameter {
  readonly Type?: string;
  readonly Default?: unknown;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, CfnOutput>;
  readonly Conditions?: Record<string, unknown>;
  readonly Parameters?: Record<string, CfnParameter>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

export interface StackTemplate {
  /** The stack's name as CloudFormation would know it (what AWS::StackName resolves to). */
  readonly stackName: string;
  /** Absolute path of the folder holding the template and its assets. */
  readonly dir: string;
  readonly templateFile: string;
  readonly template: CfnTemplate;
}

export interface CloudAssembly {
  readonly dir: string;
  /** In dependency order: a stack comes after the stacks it imports from. */
  readonly stacks: readonly StackTemplate[];
}

/** One resource of one stack, the unit every provisioning step walks over. */
export interface ResourceRef {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
