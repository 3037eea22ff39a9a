/** What every scenario gets, and what it hands back. Add a scenario in scenarios/ and register it there. */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { LocalCloud } from "../local/cloud";
import type { BenchOptions } from "./args";
import type { BenchApi } from "./http";
import type { Recorder } from "./recorder";
import type { AppInfo } from "./template";

export interface BenchContext {
  readonly options: BenchOptions;
  /** Started once for all scenarios: in memory, free ports, functions counting their operations. */
  readonly cloud: LocalCloud;
  /** Counting lines, invocations and executions, by phase (`recorder.begin(name)`). */
  readonly recorder: Recorder;
  readonly app: AppInfo;
  /** The API clients, by token; `api.requests` counts every request (each is one API Gateway request). */
  readonly api: BenchApi;
  /** The benchmark's own client (not counted) for set-up and for waiting on state. */
  readonly dynamodb: DynamoDBClient;
  /** Unique per run, for ids that must not collide. */
  readonly runId: string;
  /** One progress line on stderr. */
  progress(line: string): void;
}

export interface ScenarioResult {
  /** Markdown: sections with tables and charts, printed on stdout in scenario order. */
  readonly markdown: string;
  /** Every number, for bench/results/<time>.json. */
  readonly data: Record<string, unknown>;
  /** The scenario ran but its own check did not hold (the bench exits 1). */
  readonly failed?: boolean;
}

export interface Scenario {
  /** What `--scenario` selects. */
  readonly name: string;
  readonly title: string;
  /** One line for `--help` and the report. */
  readonly description: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}
