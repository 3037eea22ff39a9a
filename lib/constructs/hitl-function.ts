import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The CloudWatch namespace of the application's own metrics (Powertools Metrics, EMF). */
export const METRICS_NAMESPACE = "HitlLab";

/** A function's service name in its logs, traces and metrics: its folder under functions/. */
export const serviceNameOf = (entry: string): string => entry.replaceAll("/", "-");

export interface HitlFunctionProps {
  /** Folder under functions/ holding handler.ts. */
  readonly entry: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /** esbuild aliases for the bundle: an import name → the file it stands for (e.g. a built page in cdk.out). */
  readonly aliases?: Readonly<Record<string, string>>;
}

/**
 * A Lambda function with the project's defaults: Node 24 on arm64, ESM bundled by the local
 * esbuild (no Docker), the AWS SDK bundled in (the deployed code is the tested code), a log
 * group with a retention, X-Ray active tracing, and the Powertools settings its handler's edge
 * stack reads (functions/shared/edge.ts).
 */
export class HitlFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  /** The function's Powertools service name (the `service` dimension of its metrics). */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: HitlFunctionProps) {
    super(scope, id);
    this.serviceName = serviceNameOf(props.entry);
    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new nodejs.NodejsFunction(this, "Fn", {
      entry: path.join(root, "functions", props.entry, "handler.ts"),
      handler: "handler",
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        POWERTOOLS_LOG_LEVEL: "INFO",
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // The SDK clients are captured (adapters/observability.ts); an HTTP subsegment under each
        // AWS call would double the trace's size and the Tracer's CPU for nothing new.
        POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: "false",
        ...props.environment,
      },
      depsLockFilePath: path.join(root, "package-lock.json"),
      projectRoot: root,
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: "node24",
        minify: true,
        sourceMap: true,
        externalModules: [],
        // Some bundled CommonJS dependencies call require(); ESM output needs it defined.
        banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
        ...(props.aliases
          ? {
              esbuildArgs: {
                "--alias": Object.entries(props.aliases).map(([name, file]) => `${name}=${file}`),
              },
            }
          : {}),
      },
    });
  }
}
