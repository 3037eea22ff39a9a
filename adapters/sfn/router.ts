import { type SFNClient, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import type { RouteDecisionInput, RouteDecisionResult } from "../../core/routing/route-decision";

/** The router failed to run (not the caller's fault): retry, or surface as 5xx. */
export class RouterFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouterFailure";
  }
}

/**
 * Runs the Express router synchronously. StartSyncExecution answers 200 even when the execution
 * failed, so the status is checked here and a failure becomes a RouterFailure.
 */
export async function runRouter(
  sfn: SFNClient,
  stateMachineArn: string,
  input: RouteDecisionInput,
): Promise<RouteDecisionResult> {
  const out = await sfn.send(
    new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  if (out.status !== "SUCCEEDED" || !out.output) {
    throw new RouterFailure(
      `router execution ${out.executionArn} ${out.status}: ${out.error ?? ""} ${out.cause ?? ""}`.trim(),
    );
  }
  return JSON.parse(out.output) as RouteDecisionResult;
}
