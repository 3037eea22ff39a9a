import { describe, expect, it } from "vitest";
import type { StreamInvokeEvent } from "../../../local/event-sources";
import { type InvocationPolicy, invokeWithRetries } from "../../../local/event-sources/stream-invocation";

const EVENT: StreamInvokeEvent = { Records: [] };
const FINAL: StreamInvokeEvent = { Records: [], isFinalInvokeForWindow: true };

/** A policy whose sleeps are only recorded, and whose function answers from a script. */
function policy(answers: Array<unknown | Error>, extra: Partial<InvocationPolicy> = {}) {
  const sleeps: number[] = [];
  const lines: string[] = [];
  let calls = 0;
  const used: InvocationPolicy = {
    invoke: async () => {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    tumbling: false,
    reportBatchItemFailures: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: -1,
    backoff: { first: 1000, max: 4000 },
    sleep: async (ms) => void sleeps.push(ms),
    isStopped: () => false,
    log: (line) => void lines.push(line),
    ...extra,
  };
  return { used, sleeps, lines, calls: () => calls };
}

describe("invoking a stream batch", () => {
  it("retries a thrown error with doubling waits, capped, until the batch succeeds", async () => {
    const { used, sleeps, lines } = policy([
      new Error("a"),
      new Error("b"),
      new Error("c"),
      new Error("d"),
      "ok",
    ]);

    const delivery = await invokeWithRetries(used, "batch", EVENT, undefined);

    expect(delivery).toEqual({ kind: "done" });
    expect(sleeps).toEqual([1000, 2000, 4000, 4000]);
    expect(lines[0]).toBe("batch failed (attempt 1): Error: a");
  });

  it("gives up after MaximumRetryAttempts retries, counting the first try", async () => {
    const { used, calls } = policy([new TypeError("bad record")], { maximumRetryAttempts: 2 });

    const delivery = await invokeWithRetries(used, "batch", EVENT, undefined);

    expect(delivery).toEqual({
      kind: "gave-up",
      condition: "RetryAttemptsExhausted",
      attempts: 3,
      functionError: "Unhandled",
    });
    expect(calls()).toBe(3);
  });

  it("does not retry at all with MaximumRetryAttempts 0", async () => {
    const { used, calls } = policy([new Error("no")], { maximumRetryAttempts: 0 });

    const delivery = await invokeWithRetries(used, "batch", EVENT, undefined);

    expect(delivery).toMatchObject({ kind: "gave-up", attempts: 1 });
    expect(calls()).toBe(1);
  });

  it("gives up on records older than MaximumRecordAgeInSeconds", async () => {
    const { used } = policy([new Error("no")], { maximumRecordAgeSeconds: 60 });
    const twoMinutesAgo = Date.now() / 1000 - 120;

    const delivery = await invokeWithRetries(used, "batch", EVENT, twoMinutesAgo);

    expect(delivery).toEqual({ kind: "gave-up", condition: "RecordAgeExceeded", attempts: 0 });
  });

  it("with a tumbling window, fails a response without state but not a final invocation's", async () => {
    const normal = policy([{ counted: 1 }, { state: { n: 1 } }], { tumbling: true });
    const final = policy([null], { tumbling: true });

    const delivered = await invokeWithRetries(normal.used, "batch", EVENT, undefined);
    const closed = await invokeWithRetries(final.used, "final", FINAL, undefined);

    expect(delivered).toEqual({ kind: "done", state: { n: 1 } });
    expect(normal.calls()).toBe(2);
    expect(normal.lines[0]).toMatch(/no state object/);
    expect(closed).toEqual({ kind: "done" });
  });

  it("with ReportBatchItemFailures, fails a response that names a failed item", async () => {
    const { used, calls } = policy(
      [{ batchItemFailures: [{ itemIdentifier: "1" }] }, { batchItemFailures: [] }],
      {
        reportBatchItemFailures: true,
      },
    );

    const delivery = await invokeWithRetries(used, "batch", EVENT, undefined);

    expect(delivery).toEqual({ kind: "done" });
    expect(calls()).toBe(2);
  });

  it("stops retrying once the poller stops, without giving up on the batch", async () => {
    let stopped = false;
    const { used } = policy([new Error("no")], {
      sleep: async () => {
        stopped = true;
      },
      isStopped: () => stopped,
    });

    const delivery = await invokeWithRetries(used, "batch", EVENT, undefined);

    expect(delivery).toEqual({ kind: "stopped" });
  });
});
