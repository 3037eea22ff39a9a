/** The soak's inputs and its result (bench/soak/run.ts runs it). */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { RecordTables } from "../../adapters/dynamodb/rebuild-loader";
import type { FaultReport, FaultSpec } from "../../local/lambda";
import type { Summary } from "../stats";
import type { FinalCheck } from "./check";

/** The fault control of a local cloud, in-process or over HTTP (test/support/drills.ts FaultControl). */
export interface SoakFaults {
  arm(spec: FaultSpec): Promise<string>;
  list(): Promise<FaultReport[]>;
  disarm(id: string): Promise<void>;
}

/** A running local cloud, as far as the soak needs it. */
export interface SoakTarget {
  readonly apiUrl: string;
  readonly tokens: { readonly producer: string; readonly analyst: string };
  /** One token per simulated reviewer (distinct identities). */
  readonly reviewerTokens: readonly string[];
  readonly faults: SoakFaults;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly ingestQueueUrl: string;
  readonly tables: RecordTables & { metrics: string };
  /** Stops the whole local cloud and starts it again with its data, on the same ports (`--restart`). */
  readonly restart?: () => Promise<void>;
}

export interface SoakOptions {
  /** Also the experiment's id and the start of every decision id. */
  readonly soakId: string;
  readonly durationMs: number;
  /** Decisions per second offered (each with all its copies). */
  readonly rate: number;
  readonly reviewers: number;
  readonly crashesPerMinute: number;
  /** Share of decisions sent 2 or 3 times at once (default 0.2). */
  readonly duplicateShare?: number;
  /** Share sent through the ingest queue instead of HTTP (default 0.2). */
  readonly ingestShare?: number;
  /** Share below the automation threshold, so held for a reviewer (default 0.3). */
  readonly heldShare?: number;
  /** Share of verdicts that override the model (default 0.3). */
  readonly overrideShare?: number;
  readonly seed?: number;
  /** How long reviewers go on after the traffic to decide what is still held (default 120 s). */
  readonly drainMs?: number;
  /** When to restart the whole cloud (`target.restart`), in ms after the traffic starts; none by default. */
  readonly restartAtMs?: number;
  /** How long the records and the counters get to catch up at the end (default 90 s each). */
  readonly settleMs?: number;
  /** A progress line this often (default 10 s). */
  readonly windowMs?: number;
  readonly progress?: (line: string) => void;
  /** Resident memory by process, sampled at each window's end (default: this process's). */
  readonly memory?: () => Record<string, number>;
}

export interface SoakWindow {
  /** Seconds since the traffic started, at the window's end. */
  readonly atS: number;
  /** The window's length (the last one, at the end of the drain, is shorter). */
  readonly seconds: number;
  readonly decisions: number;
  readonly verdicts: number;
  readonly crashes: number;
  readonly decisionP95Ms: number;
  /** Resident memory by process (bench/soak/memory.ts), e.g. `node` and `dynamodb-local`. */
  readonly memoryMb: Readonly<Record<string, number>>;
}

export interface SoakResult {
  readonly soakId: string;
  readonly durationMs: number;
  readonly offeredRate: number;
  readonly sent: { decisions: number; http: number; ingest: number; held: number; copies: number };
  readonly answeredPerSecond: number;
  readonly verdictsPerSecond: number;
  readonly decisionLatencyMs: Summary;
  readonly verdictLatencyMs: Summary;
  readonly crashes: {
    planned: number;
    fired: number;
    byTarget: Record<string, { planned: number; fired: number }>;
    /** Functions and writes each fired crash came after. */
    firedAfter: string[];
  };
  readonly redeliveries: {
    /** HTTP decisions sent again after a 5xx or a lost connection (the client's retry). */
    httpResends: number;
    /** Verdicts sent again after a 5xx or a lost connection. */
    verdictResends: number;
    /** Ingest batches sent again after the queue did not answer (a restart). */
    ingestResends: number;
    /** Extra copies sent on purpose (duplicates at once). */
    duplicateCopies: number;
    /** Crashed invocations, each run again by its caller (Step Functions, SQS, the stream, a client). */
    crashedInvocations: number;
  };
  readonly errors: { count: number; first?: string };
  readonly windows: readonly SoakWindow[];
  readonly phasesMs: { traffic: number; drain: number; settle: number; catchUp: number };
  /** Held decisions still undecided when the reviewers stopped (expected: still held). */
  readonly leftHeld: number;
  /** The restart in the middle, if any: when it began and how long the cloud was away. */
  readonly restart?: { atS: number; downMs: number };
  readonly check: FinalCheck;
}
