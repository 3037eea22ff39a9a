// The local cloud: starts the stand-ins and creates on them every resource the synthesized CDK
// templates describe (see local/WIRING.md). Nothing here lists the app's resources by hand.
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { SQSClient } from "@aws-sdk/client-sqs";
import { openTokenStore } from "./auth";
import { type ExternalEndpoints, startDataServices } from "./data-services";
import {
  type DynamoDbStreamPoller,
  eventSourceMappings,
  type SqsPoller,
  startSqsPoller,
  startStreamPollers,
} from "./event-sources";
import { type ApiSpec, apiSpecs, type HttpApiServer, startHttpApi } from "./http-api";
import { IDENTITY_PREFIX, localIdentityProvider } from "./http-api/identity";
import {
  createFaults,
  createLambdaRuntime,
  FAULT_ENV,
  type FaultSpec,
  type Faults,
  functionSpecs,
  type InvocationReport,
  type LambdaRuntime,
  parseFaults,
  prettyFunctionLine,
} from "./lambda";
import { assertPortFree } from "./ports";
import { claimDataDir } from "./run-record";
import { type LocalSchedules, schedulesFromTemplates } from "./schedules";
import { createStepFunctionsService, type StepFunctionsService } from "./stepfunctions/service";
import { resourceInventory, Teardown } from "./teardown";
import {
  formatTable,
  loadCloudAssembly,
  notEmulated,
  provisionQueues,
  provisionTables,
  type SummaryRow,
  stateMachineSpecs,
  TemplateResolver,
} from "./template";
import { writeWhole } from "./write-whole";

export const ROLES = ["producer", "reviewer", "analyst", "ml", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** The account of every local ARN (the stand-ins' own default). */
export const LOCAL_ACCOUNT_ID = "000000000000";
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
export const DEFAULT_PORTS = { api: 3000, dynamodb: 8000, sqs: 9324, stepfunctions: 8083 } as const;
/** How much longer a function may run when DynamoDB is moto's server. */
export const MOTO_TIMEOUT_SCALE = 3;

export interface LocalCloudOptions {
  /** The synthesized app; default "cdk.out". */
  readonly cdkOut?: string;
  /** Where data persists; default ".hitl". Ignored with inMemory. */
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  /** 0 = a free port. */
  readonly ports?: { api?: number; dynamodb?: number; sqs?: number; stepfunctions?: number };
  readonly log?: (line: string) => void;
  /** Default us-east-1. */
  readonly region?: string;
  /** Extra variables every function gets (e.g. `HITL_COUNT_OPERATIONS=1`); the local cloud's own win. */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /**
   * Functions' JSON log lines (Powertools Logger, EMF metrics) go to `log` as readable text
   * (`[Fn] INFO message key=value`) instead of raw JSON. For people; programs parsing lines leave it off.
   */
  readonly prettyLogs?: boolean;
  /** Called after every function invocation (the benchmark counts invocations and durations). */
  readonly onInvocation?: (report: InvocationReport) => void;
  /**
   * Faults armed from the start (drills, local/README.md "Fault injection"); default: those of
   * the HITL_FAULT environment variable, e.g. `review-steps:after-write:2`.
   */
  readonly faults?: readonly FaultSpec[];
  /**
   * DynamoDB and SQS already running elsewhere (moto, LocalStack): the tables, streams and queues
   * are created there, and DynamoDB Local / the SQS stand-in are not started. See local/README.md.
   */
  readonly endpoints?: ExternalEndpoints;
}

export interface ResourceInfo {
  readonly type: string;
  readonly stackName: string;
  /** The construct path (`Stack/Construct/Resource`), handy to find a resource without its hash. */
  readonly path?: string;
  /** What `Ref` gives: table name, queue URL, function name, state machine ARN... */
  readonly ref: string;
  /** The local physical name. */
  readonly name: string;
  readonly arn?: string;
}

export interface LocalResources {
  readonly byLogicalId: Readonly<Record<string, ResourceInfo>>;
  /** Stack outputs by output name and by `Stack.Output`. */
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface LocalCloud {
  readonly apiUrl: string;
  /** Every HTTP API by logical id (apiUrl is the first one's). */
  readonly apiUrls: Readonly<Record<string, string>>;
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly stepfunctions: string };
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly tokens: Readonly<Record<Role, string>>;
  readonly resources: LocalResources;
  /** Runs a function by name or ARN; rejects with an Error named after Lambda's errorType. */
  invoke(functionNameOrArn: string, event: unknown): Promise<unknown>;
  /** A new bearer token for `sub` with these scopes (e.g. `["hitl/reviewer"]`). */
  mintToken(sub: string, scopes: readonly string[], claims?: Readonly<Record<string, string>>): string;
  readonly stepFunctions: StepFunctionsService;
  /** The templates' rate schedules (EventBridge rules, Scheduler) on timers; `runNow()` on demand. */
  readonly schedules: LocalSchedules;
  /** Crash a function after the Nth write of an invocation (drills); `serve()` for other processes. */
  readonly faults: Faults;
  /** Stops everything it started, in reverse order; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the local cloud from a synthesized CDK app; see LocalCloudOptions for the defaults. */
/** Every scope the APIs' JWT routes require, sorted: the roles the local sign-in page offers. */
function scopesOf(apis: readonly ApiSpec[]): string[] {
  const scopes = apis.flatMap((api) =>
    api.routes.flatMap((r) => (r.auth.type === "JWT" ? r.auth.scopes : [])),
  );
  return [...new Set(scopes)].sort();
}

export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const region = opts.region ?? "us-east-1";
  const accountId = LOCAL_ACCOUNT_ID;
  const credentials = { ...LOCAL_CREDENTIALS };
  const port = (name: keyof typeof DEFAULT_PORTS) => opts.ports?.[name] ?? DEFAULT_PORTS[name];
  const dataDir = opts.inMemory ? undefined : path.resolve(opts.dataDir ?? ".hitl");
  const under = (name: string) => (dataDir ? path.join(dataDir, name) : undefined);
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  // Read the templates before starting anything: a missing synth fails fast.
  const assembly = loadCloudAssembly(opts.cdkOut ?? "cdk.out");
  const teardown = new Teardown(log);
  const started = Date.now();
  // The folder is this run's until stop(); leftovers of a crashed run on it are stopped first.
  const claim = dataDir ? await claimDataDir(dataDir, log) : undefined;
  teardown.add("run record", () => claim?.release());
  try {
    const external = opts.endpoints ?? {};
    const services = {
      api: "the HTTP API",
      ...(external.dynamodb ? {} : { dynamodb: "DynamoDB Local" }),
      ...(external.sqs ? {} : { sqs: "SQS" }),
      stepfunctions: "Step Functions",
    };
    for (const [name, service] of Object.entries(services)) {
      const wanted = port(name as keyof typeof DEFAULT_PORTS);
      if (wanted !== 0) await assertPortFree(wanted, service);
    }
    const { dynamodb, sqs } = await startDataServices({
      external,
      ports: { dynamodb: port("dynamodb"), sqs: port("sqs") },
      dataDir: under,
      region,
      accountId,
      onDynamoDbStarted: (processes) => claim?.addChild("DynamoDB Local", processes),
      onStop: (name, stop) => teardown.add(name, stop),
    });
    if (dynamodb.upstream)
      log(`DynamoDB: moto at ${dynamodb.upstream}, each transaction run alone through ${dynamodb.endpoint}`);
    else if (dynamodb.external) log(`DynamoDB: using ${dynamodb.endpoint} (not started here)`);
    if (sqs.external) log(`SQS: using ${sqs.endpoint} (not started here)`);
    // The SDK annotates the credentials object it is given: each client gets its own copy.
    const clientConfig = () => ({ region, credentials: { ...credentials }, maxAttempts: 3 });
    const dynamodbClient = new DynamoDBClient({ ...clientConfig(), endpoint: dynamodb.endpoint });
    const sqsClient = new SQSClient({ ...clientConfig(), endpoint: sqs.endpoint });
    teardown.add("AWS clients", () => {
      dynamodbClient.destroy();
      sqsClient.destroy();
    });

    const resolver = new TemplateResolver(assembly, { region, accountId, sqsEndpoint: sqs.endpoint });
    const [tables, queues] = await Promise.all([
      provisionTables(resolver, assembly, dynamodbClient),
      provisionQueues(resolver, assembly, sqsClient),
    ]);

    // The HTTP APIs listen now so their URLs can be resolved (ApiEndpoint) into environments;
    // they answer 503 until their routes are attached at the end.
    const apis = apiSpecs(resolver, assembly);
    const servers: HttpApiServer[] = [];
    for (const [i, api] of apis.entries()) {
      const server = await startHttpApi({ port: i === 0 ? port("api") : 0 });
      teardown.add(`HTTP API ${api.logicalId}`, () => server.stop());
      servers.push(server);
      const stack = assembly.stacks.find((candidate) => candidate.stackName === api.stackName);
      if (stack)
        resolver.override(stack, api.logicalId, {
          attrs: { ApiEndpoint: `http://127.0.0.1:${server.port}` },
        });
    }

    let runtime: LambdaRuntime | undefined;
    // Registered before Step Functions so executions still running at stop() can finish their calls.
    teardown.add("functions", () => runtime?.stop());
    let markReady: (runtime: LambdaRuntime) => void = () => undefined;
    const runtimeReady = new Promise<LambdaRuntime>((resolve) => {
      markReady = resolve;
    });
    const stepFunctions = createStepFunctionsService({
      region,
      accountId,
      credentials: { ...credentials },
      // Executions resumed or started early wait until the functions exist.
      invokeFunction: async (fn, payload) => (await runtimeReady).invoke(fn, payload),
      sqsEndpoint: sqs.endpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      dataDir: under("stepfunctions"),
      log,
    });
    teardown.add("Step Functions", () => stepFunctions.close());
    const machines = stateMachineSpecs(resolver, assembly);
    for (const machine of machines) {
      let roleArn: string | undefined;
      try {
        roleArn = String(resolver.property(machine.ref, "RoleArn") ?? "") || undefined;
      } catch {
        roleArn = undefined;
      }
      stepFunctions.registerStateMachine({
        arn: machine.arn,
        name: machine.name,
        type: machine.type,
        definition: machine.definition,
        ...(roleArn ? { roleArn } : {}),
      });
    }
    const sfnListener = await stepFunctions.listen({ port: port("stepfunctions"), host: "127.0.0.1" });
    teardown.add("Step Functions endpoint", () => sfnListener.stop());

    const reserved = {
      ...opts.functionEnvironment,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnListener.endpoint,
      // The user pool's hosted UI stand-in on the first HTTP API's server (local/http-api/identity.ts).
      ...(servers[0]
        ? {
            AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: `http://127.0.0.1:${servers[0].port}${IDENTITY_PREFIX.slice(0, -1)}`,
          }
        : {}),
    };
    // moto's queries sort the whole table and its transactions copy it: calls get slower as
    // tables grow, so functions get more time there (local/README.md).
    const timeoutScale = dynamodb.moto ? MOTO_TIMEOUT_SCALE : 1;
    if (timeoutScale !== 1) log(`functions: timeouts ×${timeoutScale} on moto`);
    const fromTemplates = functionSpecs(resolver, assembly, reserved);
    const specs = fromTemplates.specs.map((spec) => ({
      ...spec,
      timeoutSeconds: spec.timeoutSeconds * timeoutScale,
    }));
    const skipped = fromTemplates.skipped;
    const faults = createFaults(log, opts.faults ?? parseFaults(process.env[FAULT_ENV]));
    teardown.add("fault control", () => faults.stop());
    for (const fault of faults.list())
      log(`fault armed: ${fault.spec.fn} after write ${fault.spec.afterWrite}, kill ${fault.spec.kill}`);
    const lambda = createLambdaRuntime(specs, {
      log: opts.prettyLogs ? (line) => log(prettyFunctionLine(line)) : log,
      ...(opts.onInvocation ? { onInvocation: opts.onInvocation } : {}),
      faults,
    });
    runtime = lambda;
    markReady(lambda);
    const resumed = await stepFunctions.resumePending();

    const mappings = eventSourceMappings(resolver, assembly);
    const queueByArn = new Map(queues.map((queue) => [queue.arn, queue]));
    const pollerRows: SummaryRow[] = [];
    const pollers: Array<SqsPoller | DynamoDbStreamPoller> = [];
    for (const mapping of mappings.sqs) {
      const queue = queueByArn.get(mapping.queueArn);
      const describe = `${queue?.name ?? mapping.queueArn} → ${mapping.functionName}`;
      if (!queue || !lambda.has(mapping.functionName) || !mapping.enabled) {
        const why = !queue
          ? "queue not in the templates"
          : !mapping.enabled
            ? "disabled"
            : "function not runnable";
        pollerRows.push({
          type: "AWS::Lambda::EventSourceMapping",
          logicalId: mapping.ref.logicalId,
          local: `${describe} (${why})`,
        });
        continue;
      }
      pollers.push(
        startSqsPoller({
          sqs: sqsClient,
          queueUrl: queue.url,
          queueArn: queue.arn,
          region,
          batchSize: mapping.batchSize,
          batchingWindowSeconds: mapping.batchingWindowSeconds,
          reportBatchItemFailures: mapping.reportBatchItemFailures,
          concurrency: mapping.concurrency,
          invoke: (event) => lambda.invoke(mapping.functionName, event),
          label: describe,
          log,
        }),
      );
      pollerRows.push({
        type: "AWS::Lambda::EventSourceMapping",
        logicalId: mapping.ref.logicalId,
        local: describe,
      });
    }
    // DynamoDB stream mappings: one poller each, reading DynamoDB Local's Streams API.
    const streamsClient = new DynamoDBStreamsClient({ ...clientConfig(), endpoint: dynamodb.endpoint });
    teardown.add("DynamoDB Streams client", () => streamsClient.destroy());
    const streamPollers = startStreamPollers({
      mappings: mappings.streams,
      streams: streamsClient,
      tables,
      queues,
      sqs: sqsClient,
      functions: {
        has: (fn) => lambda.has(fn),
        invoke: (fn, event) => lambda.invoke(fn, event),
        arnOf: (fn) => specs.find((spec) => spec.name === fn)?.arn ?? fn,
      },
      region,
      checkpointDir: under("event-sources"),
      log,
    });
    pollers.push(...streamPollers.pollers);
    pollerRows.push(...streamPollers.rows);
    // Added after the functions' teardown so pollers stop (and finish their batch) first.
    teardown.add("pollers", () => Promise.all(pollers.map((poller) => poller.stop())).then(() => undefined));
    const schedules = schedulesFromTemplates(resolver, assembly, {
      invoke: (fn, event) => lambda.invoke(fn, event),
      isRunnable: (fn) => lambda.has(fn),
      region,
      accountId,
      log,
    });
    teardown.add("schedules", () => schedules.stop());

    const tokens = openTokenStore(under("tokens.json"));
    const roleTokens = Object.fromEntries(
      ROLES.map((role) => [role, tokens.tokenFor(`${role}-1`, [`hitl/${role}`])]),
    );
    const apiUrls: Record<string, string> = {};
    for (const [i, api] of apis.entries()) {
      const server = servers[i] as HttpApiServer;
      server.attach({
        api,
        invoke: (fn, event) => lambda.invoke(fn, event),
        tokens,
        accountId,
        log,
        ...(i === 0 ? { identity: localIdentityProvider(tokens, scopesOf(apis)) } : {}),
      });
      apiUrls[api.logicalId] = server.url;
    }
    const apiUrl = servers[0]?.url ?? "";

    const endpoints = { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, stepfunctions: sfnListener.endpoint };
    if (dataDir) {
      // `resources` names the tables (and queues) for the CLI, which may not guess them on an external service.
      const resources = Object.fromEntries([
        ...tables.map((table) => [table.ref.logicalId, table.name]),
        ...queues.map((queue) => [queue.ref.logicalId, queue.url]),
      ]);
      const devJson = { apiUrl, tokens: roleTokens, endpoints, region, credentials, resources };
      writeWhole(path.join(dataDir, "dev.json"), `${JSON.stringify(devJson, null, 2)}\n`, 0o600);
    }

    const rows: SummaryRow[] = [
      ...tables.map((t) => ({ type: t.ref.resource.Type, logicalId: t.ref.logicalId, local: t.name })),
      ...queues.map((q) => ({ type: "AWS::SQS::Queue", logicalId: q.ref.logicalId, local: q.url })),
      ...machines.map((m) => ({
        type: `AWS::StepFunctions::StateMachine`,
        logicalId: m.ref.logicalId,
        local: `${m.name} (${m.type})`,
      })),
      ...specs.map((f) => ({ type: "AWS::Lambda::Function", logicalId: f.logicalId, local: f.name })),
      ...skipped.map((f) => ({
        type: "AWS::Lambda::Function",
        logicalId: f.ref.logicalId,
        local: `not run: ${f.reason}`,
      })),
      ...pollerRows,
      ...schedules.rows,
      ...mappings.skipped.map((m) => ({
        type: "AWS::Lambda::EventSourceMapping",
        logicalId: m.ref.logicalId,
        local: `not run: ${m.reason}`,
      })),
      ...apis.map((api, i) => ({
        type: "AWS::ApiGatewayV2::Api",
        logicalId: api.logicalId,
        local: `${servers[i]?.url} (${api.routes.length} routes)`,
      })),
    ];
    for (const line of formatTable(rows)) log(line);
    for (const api of apis) for (const note of api.notes) log(`note: ${api.logicalId}: ${note}`);
    const others = notEmulated(assembly);
    if (others.length) log(`not emulated: ${others.join(", ")}`);
    const outputs = resolver.outputs();
    if (resumed > 0) log(`resumed ${resumed} running Step Functions execution(s)`);
    log(`local cloud ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${apiUrl || "(no HTTP API)"}`);

    let stopping: Promise<void> | undefined;
    return {
      apiUrl,
      apiUrls,
      endpoints,
      region,
      credentials,
      tokens: roleTokens as Record<Role, string>,
      resources: { byLogicalId: resourceInventory(resolver, assembly), outputs: outputs.values },
      invoke: (fn, event) => lambda.invoke(fn, event),
      mintToken: (sub, scopes, claims) => tokens.mintToken(sub, scopes, claims),
      stepFunctions,
      schedules,
      faults,
      stop: () => {
        // Requests in flight finish before anything they need goes away.
        stopping ??= Promise.all(servers.map((server) => server.stop())).then(() => teardown.run());
        return stopping;
      },
    };
  } catch (error) {
    await teardown.run();
    throw error;
  }
}

/**
 * A signal this soon after the first is the same Ctrl-C again: npm (and tsx) forward to their child
 * the SIGINT the terminal already sent it, within milliseconds.
 */
const REPEATED_SIGNAL_MS = 1_000;

/**
 * Stops the local cloud on Ctrl-C or SIGTERM, then exits; a second signal (a second later or
 * more) exits at once. Returns a function that removes the handlers.
 */
export function onShutdown(stop: () => Promise<void>, log: (line: string) => void = console.log): () => void {
  let firstAt: number | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < REPEATED_SIGNAL_MS) return;
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
      return;
    }
    firstAt = Date.now();
    log(`${signal}: stopping the local cloud…`);
    stop().then(
      () => process.exit(signal === "SIGINT" ? 130 : 143),
      (error: unknown) => {
        log(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
