import { ListExecutionsCommand, SFNClient, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll } from "vitest";
import { cloud, nameOf } from "./support";

/**
 * Every suite shares one local cloud, and several compare whole tables before and after a request
 * ("writes nothing"). A held item a suite claimed and left would come back every heartbeat for its
 * SLA and write into a later suite's tables, so each suite stops the review workflows it started.
 */
let startedAt = 0;

beforeAll(() => {
  startedAt = Date.now();
});

afterAll(async () => {
  const sfn = new SFNClient({
    endpoint: cloud.endpoints.stepfunctions,
    region: cloud.region,
    credentials: cloud.credentials,
  });
  try {
    const stateMachineArn = nameOf("Review/StateMachine");
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn, statusFilter: "RUNNING", nextToken }),
      );
      for (const execution of page.executions ?? []) {
        if ((execution.startDate?.getTime() ?? 0) < startedAt) continue;
        await sfn
          .send(new StopExecutionCommand({ executionArn: execution.executionArn, cause: "suite ended" }))
          .catch(() => undefined);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } finally {
    sfn.destroy();
  }
});
