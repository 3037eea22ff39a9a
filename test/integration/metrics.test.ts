import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { call, cloud, createExperiment, eventually, nameOf, settledSnapshot, sqs, uid } from "./support";

const run = promisify(execFile);
let experimentId: string;
let devFile: string;

/** Runs the real CLI against this suite's local cloud. */
async function hitl(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ["bin/hitl.mjs", ...args, "--dev-file", devFile]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

beforeAll(async () => {
  experimentId = await createExperiment({
    arms: [{ id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.9 } }],
  });
  devFile = path.join(mkdtempSync(path.join(tmpdir(), "hitl-metrics-")), "dev.json");
  writeFileSync(devFile, JSON.stringify({ ...cloud, tokens: cloud.tokens }));
});

describe("metrics on the local cloud", () => {
  it("counts every routed decision exactly once, even when the events are delivered twice", async () => {
    // Arrange: 12 decisions, 4 of them sent twice by their producer
    const bodies = Array.from({ length: 12 }, (_, i) => ({
      experimentId,
      unitId: `unit-${i % 5}`,
      decisionId: uid("m"),
      item: { topic: "billing" },
      prediction: { label: "approve", confidence: i % 3 === 0 ? 0.5 : 0.97 },
    }));
    for (const body of bodies) await call("POST", "/v1/decisions", { role: "producer", body });
    for (const body of bodies.slice(0, 4)) await call("POST", "/v1/decisions", { role: "producer", body });

    // Act: the metrics queue also gets copies of events it already delivered
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: nameOf("MetricsQueue/Queue"),
        MaxNumberOfMessages: 5,
        VisibilityTimeout: 0,
      }),
    );
    for (const message of Messages ?? []) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: nameOf("MetricsQueue/Queue"), MessageBody: message.Body ?? "" }),
      );
    }
    await settledSnapshot();
    const shown = await hitl("metrics", "show", "--experiment", experimentId, "--json");
    const rebuilt = await hitl("metrics", "rebuild", "--experiment", experimentId);

    // Assert
    const metrics = JSON.parse(shown.stdout) as {
      arms: { arm: string; decisions: number; auto: number; human: number; units: number }[];
    };
    expect(metrics.arms).toMatchObject([{ arm: "conservative", decisions: 12, auto: 8, human: 4, units: 5 }]);
    expect(rebuilt.stdout).toContain("no differences");
    expect(rebuilt.code).toBe(0);
  });

  it("sends a malformed metric event to the dead-letter queue and keeps counting the rest", async () => {
    // Arrange
    const junk = JSON.stringify({ type: "decision.routed", id: uid("junk") });

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: nameOf("MetricsQueue/Queue"), MessageBody: junk }));
    await call("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId,
        unitId: "unit-x",
        decisionId: uid("m"),
        item: {},
        prediction: { label: "approve", confidence: 0.99 },
      },
    });

    // Assert
    const deadLettered = await eventually(
      async () => {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: nameOf("MetricsQueue/Dlq"),
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 0,
          }),
        );
        return Messages?.find((m) => m.Body === junk);
      },
      60_000,
      "the malformed event on the metrics dead-letter queue",
    );
    expect(deadLettered.Body).toBe(junk);
    await settledSnapshot();
    const shown = await hitl("metrics", "show", "--experiment", experimentId, "--json");
    expect((JSON.parse(shown.stdout) as { arms: { decisions: number }[] }).arms[0]?.decisions).toBe(13);
  });
});
