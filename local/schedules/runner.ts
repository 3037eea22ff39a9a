import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SummaryRow } from "../template/summary";
import type { ScheduleSpec, ScheduleTarget, SkippedSchedule } from "./from-template";

/** Divides every rate (60 → `rate(15 minutes)` fires every 15 s); 0 = no timers, on demand only. */
export const SCHEDULE_SCALE_ENV = "HITL_SCHEDULE_SCALE";

export interface ScheduleRunnerOptions {
  readonly specs: readonly ScheduleSpec[];
  readonly skipped?: readonly SkippedSchedule[];
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  /** Whether the local cloud can run the function (bundled Node.js asset). */
  readonly isRunnable: (functionName: string) => boolean;
  readonly region: string;
  readonly accountId: string;
  /** Default: HITL_SCHEDULE_SCALE, else 1 (real time). */
  readonly scale?: number;
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

export interface ScheduleInvocation {
  schedule: string;
  functionName: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface RunNowOptions {
  /** Only schedules whose logical id or name contains this text. */
  match?: string;
  /** Replaces the payload (e.g. `{ experimentIds: [...] }`), as a manual invoke would. */
  input?: unknown;
}

export interface LocalSchedules {
  readonly specs: readonly ScheduleSpec[];
  /** Lines for the local cloud's start-up summary. */
  readonly rows: readonly SummaryRow[];
  /** Invokes the matching schedules' targets now and waits for them (tests, `hitl dev`). */
  runNow(options?: RunNowOptions): Promise<ScheduleInvocation[]>;
  /**
   * Starts a control endpoint on 127.0.0.1 for other processes (test workers): `GET /` lists the
   * schedules, `POST /run` with an optional `{ match, input }` body runs them now. Returns its URL.
   */
  serve(port?: number): Promise<string>;
  stop(): Promise<void>;
}

function scaleFrom(env: NodeJS.ProcessEnv): number {
  const value = Number(env[SCHEDULE_SCALE_ENV] ?? "");
  return env[SCHEDULE_SCALE_ENV] !== undefined && Number.isFinite(value) && value >= 0 ? value : 1;
}

const message = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Runs the templates' rate schedules on timers, and on demand. */
export function startSchedules(options: ScheduleRunnerOptions): LocalSchedules {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const scale = options.scale ?? scaleFrom(process.env);
  const runnable = options.specs.filter((s) => s.targets.some((t) => options.isRunnable(t.functionName)));
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<string>();
  let server: Server | undefined;

  /** What EventBridge sends a Lambda target without Input; Scheduler sends "{}". */
  const defaultEvent = (spec: ScheduleSpec): unknown =>
    spec.type === "AWS::Events::Rule"
      ? {
          version: "0",
          id: randomUUID(),
          "detail-type": "Scheduled Event",
          source: "aws.events",
          account: options.accountId,
          time: now()
            .toISOString()
            .replace(/\.\d{3}Z$/, "Z"),
          region: options.region,
          resources: [spec.arn],
          detail: {},
        }
      : {};

  const invokeTarget = async (
    spec: ScheduleSpec,
    target: ScheduleTarget,
    input: unknown,
  ): Promise<ScheduleInvocation> => {
    const event = input !== undefined ? input : "input" in target ? target.input : defaultEvent(spec);
    try {
      const result = await options.invoke(target.functionName, event);
      return { schedule: spec.ref.logicalId, functionName: target.functionName, ok: true, result };
    } catch (error) {
      log(`schedule ${spec.ref.logicalId} → ${target.functionName} failed: ${message(error)}`);
      return {
        schedule: spec.ref.logicalId,
        functionName: target.functionName,
        ok: false,
        error: message(error),
      };
    }
  };

  const fire = async (spec: ScheduleSpec, input?: unknown): Promise<ScheduleInvocation[]> => {
    const targets = spec.targets.filter((t) => options.isRunnable(t.functionName));
    return Promise.all(targets.map((target) => invokeTarget(spec, target, input)));
  };

  if (scale > 0) {
    for (const spec of runnable.filter((s) => s.enabled)) {
      const timer = setInterval(() => {
        // A run still going when the next one is due is skipped rather than stacked.
        if (running.has(spec.ref.logicalId)) return;
        running.add(spec.ref.logicalId);
        void fire(spec).finally(() => running.delete(spec.ref.logicalId));
      }, spec.periodMs / scale);
      timer.unref();
      timers.push(timer);
    }
  }

  const rows: SummaryRow[] = [
    ...options.specs.map((spec) => {
      const targets = spec.targets.map((t) => t.functionName).join(", ");
      const when = !spec.enabled
        ? "disabled"
        : scale > 0
          ? `every ${Math.round(spec.periodMs / scale / 1000)} s`
          : "on demand only";
      const runs = runnable.includes(spec) ? when : "function not runnable";
      return {
        type: spec.type,
        logicalId: spec.ref.logicalId,
        local: `${spec.expression} → ${targets} (${runs})`,
      };
    }),
    ...(options.skipped ?? []).map((s) => ({
      type: s.ref.resource.Type,
      logicalId: s.ref.logicalId,
      local: `not run: ${s.reason}`,
    })),
  ];

  const runNow = async (run: RunNowOptions = {}): Promise<ScheduleInvocation[]> => {
    const chosen = runnable.filter(
      (s) => !run.match || s.ref.logicalId.includes(run.match) || s.name.includes(run.match),
    );
    return (await Promise.all(chosen.map((spec) => fire(spec, run.input)))).flat();
  };

  return {
    specs: options.specs,
    rows,
    runNow,
    async serve(port = 0) {
      if (server) return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const listening = createServer((req, res) => {
        const reply = (status: number, body: unknown) => {
          // One request per connection: a keep-alive socket would hold stop() up.
          res.writeHead(status, { "content-type": "application/json", connection: "close" });
          res.end(JSON.stringify(body));
        };
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
          if (req.method === "GET" && req.url === "/") {
            reply(
              200,
              options.specs.map((s) => ({
                schedule: s.ref.logicalId,
                expression: s.expression,
                targets: s.targets,
              })),
            );
            return;
          }
          if (req.method !== "POST" || req.url !== "/run") {
            reply(404, { message: "GET / or POST /run" });
            return;
          }
          let body: RunNowOptions = {};
          try {
            const text = Buffer.concat(chunks).toString("utf8");
            body = text ? (JSON.parse(text) as RunNowOptions) : {};
          } catch {
            reply(400, { message: "the body must be JSON: { match?, input? }" });
            return;
          }
          runNow(body).then(
            (invocations) => reply(200, { invocations }),
            (error: unknown) => reply(500, { message: message(error) }),
          );
        });
      });
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(port, "127.0.0.1", () => resolve());
      });
      server = listening;
      return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    },
    async stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      const open = server;
      server = undefined;
      if (open) {
        const closed = new Promise<void>((resolve) => open.close(() => resolve()));
        open.closeAllConnections();
        await closed;
      }
    },
  };
}
