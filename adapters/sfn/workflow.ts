import {
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { TaskClosedError, type Workflow } from "../../core/ports";

/** Errors Step Functions returns for a token whose task is over (timed out, decided, stopped). */
const CLOSED = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

/** The review workflow over Step Functions' task-token API. */
export class SfnWorkflow implements Workflow {
  constructor(
    private readonly sfn: SFNClient,
    /** ARN of the review state machine; executions are named by review id. */
    private readonly stateMachineArn: string,
  ) {}

  async succeed(taskToken: string, output: unknown): Promise<void> {
    await this.closedAware(() =>
      this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
  }

  async heartbeat(taskToken: string): Promise<void> {
    await this.closedAware(() => this.sfn.send(new SendTaskHeartbeatCommand({ taskToken })));
  }

  async stop(reviewId: string, cause: string): Promise<void> {
    const executionArn = `${this.stateMachineArn.replace(":stateMachine:", ":execution:")}:${reviewId}`;
    try {
      await this.sfn.send(new StopExecutionCommand({ executionArn, error: "Withdrawn", cause }));
    } catch (error) {
      if ((error as { name?: string }).name !== "ExecutionDoesNotExist") throw error;
    }
  }

  private async closedAware(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      const name = (error as { name?: string }).name ?? "";
      if (CLOSED.has(name)) throw new TaskClosedError(`${name}: ${(error as Error).message}`);
      throw error;
    }
  }
}
