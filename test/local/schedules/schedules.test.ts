import { afterEach, describe, expect, it, vi } from "vitest";
import { parseRate, type ScheduleSpec, scheduleSpecs, startSchedules } from "../../../local/schedules";
import type { CfnTemplate, CloudAssembly, StackTemplate } from "../../../local/template";
import { TemplateResolver } from "../../../local/template";
import { fixed, fixedDate } from "../../support/clock";

const CTX = { region: "eu-west-1", accountId: "111122223333" };

function assembly(template: CfnTemplate): CloudAssembly {
  const stack: StackTemplate = {
    stackName: "App",
    dir: "/tmp/out",
    templateFile: "/tmp/out/App.template.json",
    template,
  };
  return { dir: "/tmp/out", stacks: [stack] };
}

const template: CfnTemplate = {
  Resources: {
    CheckFn: { Type: "AWS::Lambda::Function", Properties: {} },
    OtherFn: { Type: "AWS::Lambda::Function", Properties: {} },
    Queue: { Type: "AWS::SQS::Queue", Properties: {} },
    Every15: {
      Type: "AWS::Events::Rule",
      Properties: {
        ScheduleExpression: "rate(15 minutes)",
        State: "ENABLED",
        Targets: [{ Arn: { "Fn::GetAtt": ["CheckFn", "Arn"] }, Id: "Target0" }],
      },
    },
    Hourly: {
      Type: "AWS::Scheduler::Schedule",
      Properties: {
        ScheduleExpression: "rate(1 hour)",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: { "Fn::GetAtt": ["OtherFn", "Arn"] }, Input: '{"experimentIds":["a"]}' },
      },
    },
    Nightly: {
      Type: "AWS::Events::Rule",
      Properties: {
        ScheduleExpression: "cron(0 2 * * ? *)",
        Targets: [{ Arn: { "Fn::GetAtt": ["CheckFn", "Arn"] } }],
      },
    },
    OnEvent: {
      Type: "AWS::Events::Rule",
      Properties: {
        EventPattern: { source: ["aws.s3"] },
        Targets: [{ Arn: { "Fn::GetAtt": ["CheckFn", "Arn"] } }],
      },
    },
    ToQueue: {
      Type: "AWS::Events::Rule",
      Properties: {
        ScheduleExpression: "rate(5 minutes)",
        Targets: [{ Arn: { "Fn::GetAtt": ["Queue", "Arn"] } }],
      },
    },
  },
};

function specs() {
  const app = assembly(template);
  return scheduleSpecs(new TemplateResolver(app, CTX), app);
}

describe("rate schedules from the templates", () => {
  it("reads rate(…) expressions in minutes, hours and days, and nothing else", () => {
    expect(parseRate("rate(15 minutes)")).toBe(900_000);
    expect(parseRate("rate(1 minute)")).toBe(60_000);
    expect(parseRate("rate(2 hours)")).toBe(7_200_000);
    expect(parseRate("rate(1 day)")).toBe(86_400_000);
    expect(parseRate("rate(0 minutes)")).toBeUndefined();
    expect(parseRate("cron(0 2 * * ? *)")).toBeUndefined();
  });

  it("finds EventBridge rules and Scheduler schedules that run a function, and says why it skips the others", () => {
    // Act
    const { specs: found, skipped } = specs();

    // Assert
    expect(found.map((s) => [s.ref.logicalId, s.type, s.periodMs, s.targets])).toEqual([
      ["Every15", "AWS::Events::Rule", 900_000, [{ functionName: "CheckFn" }]],
      [
        "Hourly",
        "AWS::Scheduler::Schedule",
        3_600_000,
        [{ functionName: "OtherFn", input: { experimentIds: ["a"] } }],
      ],
    ]);
    expect(found[0]?.arn).toBe("arn:aws:events:eu-west-1:111122223333:rule/Every15");
    expect(skipped.map((s) => [s.ref.logicalId, s.reason])).toEqual([
      ["Nightly", "cron(0 2 * * ? *): only rate(...) schedules are run locally"],
      ["OnEvent", "an event-pattern rule (only schedules are run)"],
      ["ToQueue", "target arn:aws:sqs:eu-west-1:111122223333:Queue is not a Lambda function"],
    ]);
  });
});

describe("the local schedule runner", () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const stop of stops.splice(0)) await stop();
  });

  function runner(found: readonly ScheduleSpec[], scale: number, runnable = (_: string) => true) {
    const calls: { fn: string; event: unknown }[] = [];
    const schedules = startSchedules({
      specs: found,
      invoke: async (fn, event) => {
        calls.push({ fn, event });
        return { ran: fn };
      },
      isRunnable: runnable,
      region: CTX.region,
      accountId: CTX.accountId,
      scale,
      now: () => fixedDate("2026-11-25T12:00:00.123Z"),
    });
    stops.push(() => schedules.stop());
    return { schedules, calls };
  }

  it("runs a schedule on demand with the event EventBridge sends, or with the target's own Input", async () => {
    // Arrange
    const { schedules, calls } = runner(specs().specs, 0);

    // Act
    const invocations = await schedules.runNow();

    // Assert
    expect(invocations.map((i) => [i.schedule, i.functionName, i.ok])).toEqual([
      ["Every15", "CheckFn", true],
      ["Hourly", "OtherFn", true],
    ]);
    expect(calls[0]?.event).toMatchObject({
      version: "0",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: "111122223333",
      region: "eu-west-1",
      time: fixed("2026-11-25T12:00:00Z"),
      resources: ["arn:aws:events:eu-west-1:111122223333:rule/Every15"],
      detail: {},
    });
    expect(calls[1]?.event).toEqual({ experimentIds: ["a"] });
  });

  it("runs only the matching schedules, with an input that replaces the payload", async () => {
    // Arrange
    const { schedules, calls } = runner(specs().specs, 0);

    // Act
    await schedules.runNow({ match: "Every", input: { experimentIds: ["x"] } });

    // Assert
    expect(calls).toEqual([{ fn: "CheckFn", event: { experimentIds: ["x"] } }]);
  });

  it("fires on a timer at the template's rate divided by the scale", async () => {
    // Arrange: scale 60 turns rate(15 minutes) into every 15 s and rate(1 hour) into every 60 s.
    vi.useFakeTimers();
    const { calls } = runner(specs().specs, 60);

    // Act
    await vi.advanceTimersByTimeAsync(14_999);
    const before = calls.length;
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(45_000);

    // Assert
    expect(before).toBe(0);
    expect(calls.map((c) => c.fn).sort()).toEqual(["CheckFn", "CheckFn", "CheckFn", "CheckFn", "OtherFn"]);
  });

  it("lists each schedule for the start-up summary, including the ones it cannot run", () => {
    // Act
    const { schedules } = runner(specs().specs, 1, (fn) => fn === "CheckFn");

    // Assert
    expect(schedules.rows.map((r) => r.local)).toEqual([
      "rate(15 minutes) → CheckFn (every 900 s)",
      "rate(1 hour) → OtherFn (function not runnable)",
    ]);
  });

  it("takes run requests from other processes on a control endpoint", async () => {
    // Arrange
    const { schedules, calls } = runner(specs().specs, 0);
    const url = await schedules.serve();

    // Act
    const run = await fetch(new URL("/run", url), {
      method: "POST",
      body: JSON.stringify({ match: "Hourly", input: { experimentIds: ["y"] } }),
    });
    const list = await fetch(new URL("/", url));
    const wrong = await fetch(new URL("/nothing", url));

    // Assert
    expect(run.status).toBe(200);
    expect(await run.json()).toEqual({
      invocations: [{ schedule: "Hourly", functionName: "OtherFn", ok: true, result: { ran: "OtherFn" } }],
    });
    expect(calls).toEqual([{ fn: "OtherFn", event: { experimentIds: ["y"] } }]);
    expect(((await list.json()) as unknown[]).length).toBe(2);
    expect(wrong.status).toBe(404);
  });

  it("reports a failing invocation instead of throwing", async () => {
    // Arrange
    const found = specs().specs.slice(0, 1);
    const schedules = startSchedules({
      specs: found,
      invoke: async () => {
        const error = new Error("boom");
        error.name = "Sandbox.Timedout";
        throw error;
      },
      isRunnable: () => true,
      region: CTX.region,
      accountId: CTX.accountId,
      scale: 0,
    });
    stops.push(() => schedules.stop());

    // Act
    const [invocation] = await schedules.runNow();

    // Assert
    expect(invocation).toEqual({
      schedule: "Every15",
      functionName: "CheckFn",
      ok: false,
      error: "Sandbox.Timedout: boom",
    });
  });
});
