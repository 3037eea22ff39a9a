import type { TestProject } from "vitest/node";
import { ensureSynthesized } from "../../cli/synth";
import { type LocalCloud, startLocalCloud } from "../../local/cloud";
import { type MotoServer, startMotoServer } from "../support/moto-server";

export interface CloudContext {
  apiUrl: string;
  endpoints: LocalCloud["endpoints"];
  region: string;
  credentials: LocalCloud["credentials"];
  tokens: LocalCloud["tokens"];
  /** Extra identities: reviewers r1..r16 (first-tier queues and audit), a tier-2 reviewer (`default.*`), a high-value-only reviewer. */
  identities: Record<string, string>;
  /** Local physical names by CDK construct path, e.g. "HitlData/DecisionsTable/Resource". */
  names: Record<string, string>;
}

declare module "vitest" {
  export interface ProvidedContext {
    cloud: CloudContext;
    /** The local cloud's schedule control endpoint, to run scheduled functions on demand. */
    schedulesUrl: string;
    /** The local cloud's fault control endpoint (local/README.md "Fault injection"), for the drills. */
    faultsUrl: string;
  }
}

let cloud: LocalCloud | undefined;
let moto: MotoServer | undefined;

/** `HITL_EMULATOR=moto`: DynamoDB and SQS on moto's server instead of DynamoDB Local and fauxqs. */
function emulator(): "default" | "moto" {
  const wanted = process.env.HITL_EMULATOR ?? "default";
  if (wanted !== "default" && wanted !== "moto")
    throw new Error(`HITL_EMULATOR=${wanted}: use "moto", or leave it unset for DynamoDB Local and fauxqs`);
  return wanted;
}

/** Synthesizes the real CDK app (offline) and starts the local cloud from it, once for all suites. */
export async function setup(project: TestProject): Promise<void> {
  const log = (line: string) => {
    if (process.env.HITL_TEST_LOG) process.stderr.write(`${line}\n`);
  };
  await ensureSynthesized((line) => process.stderr.write(`[integration] ${line}\n`));
  if (emulator() === "moto") {
    moto = await startMotoServer();
    process.stderr.write(`[integration] DynamoDB and SQS on moto at ${moto.endpoint}\n`);
  }
  cloud = await startLocalCloud({
    inMemory: true,
    ports: { api: 0, dynamodb: 0, sqs: 0, stepfunctions: 0 },
    ...(moto ? { endpoints: { dynamodb: moto.endpoint, sqs: moto.endpoint } } : {}),
    log,
  });
  const identities: Record<string, string> = {};
  for (let i = 1; i <= 16; i++) identities[`r${i}`] = cloud.mintToken(`reviewer-${i}`, ["hitl/reviewer"]);
  identities.tier2 = cloud.mintToken("tier2-reviewer", ["hitl/reviewer"], { queues: "default.*" });
  identities.highValue = cloud.mintToken("high-value-reviewer", ["hitl/reviewer"], { queues: "high-value" });
  const names: Record<string, string> = {};
  for (const info of Object.values(cloud.resources.byLogicalId)) if (info.path) names[info.path] = info.ref;
  project.provide("cloud", {
    apiUrl: cloud.apiUrl,
    endpoints: cloud.endpoints,
    region: cloud.region,
    credentials: cloud.credentials,
    tokens: cloud.tokens,
    identities,
    names,
  });
  // The guardrail suite runs the scheduled check on demand instead of waiting for its rate.
  project.provide("schedulesUrl", await cloud.schedules.serve());
  project.provide("faultsUrl", await cloud.faults.serve());
}

export async function teardown(): Promise<void> {
  await cloud?.stop();
  await moto?.stop();
}
