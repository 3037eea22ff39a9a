import { resourcesOf } from "./load";
import type { CloudAssembly } from "./types";

export interface SummaryRow {
  readonly type: string;
  readonly logicalId: string;
  readonly local: string;
}

/** The resource types the local cloud creates or runs; everything else is only listed. */
export const EMULATED_TYPES = new Set([
  "AWS::DynamoDB::Table",
  "AWS::DynamoDB::GlobalTable",
  "AWS::SQS::Queue",
  "AWS::StepFunctions::StateMachine",
  "AWS::Lambda::Function",
  "AWS::Lambda::EventSourceMapping",
  "AWS::Events::Rule",
  "AWS::Scheduler::Schedule",
  "AWS::ApiGatewayV2::Api",
  "AWS::ApiGatewayV2::Route",
  "AWS::ApiGatewayV2::Integration",
  "AWS::ApiGatewayV2::Authorizer",
  "AWS::ApiGatewayV2::Stage",
]);

/** `AWS::IAM::Role ×4, AWS::KMS::Key ×1, ...` for the types of the templates that are not emulated. */
export function notEmulated(assembly: CloudAssembly): string[] {
  const counts = new Map<string, number>();
  for (const { resource } of resourcesOf(assembly)) {
    if (!EMULATED_TYPES.has(resource.Type)) counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type} ×${n}`);
}

/** A plain-text table, one line per row, columns padded to the widest cell. */
export function formatTable(rows: readonly SummaryRow[]): string[] {
  const header: SummaryRow = { type: "type", logicalId: "logical id", local: "local name / url" };
  const all = [header, ...rows];
  const width = (pick: (row: SummaryRow) => string) => Math.max(...all.map((row) => pick(row).length));
  const typeWidth = width((row) => row.type);
  const idWidth = width((row) => row.logicalId);
  return all.map((row) =>
    `${row.type.padEnd(typeWidth)}  ${row.logicalId.padEnd(idWidth)}  ${row.local}`.trimEnd(),
  );
}
