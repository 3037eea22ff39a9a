import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

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
 * esbuild (no Docker), the AWS SDK bundled in (the deployed code is the tested code), and a log
 * group with a retention.
 */
export class HitlFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: HitlFunctionProps) {
    super(scope, id);
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
      environment: { NODE_OPTIONS: "--enable-source-maps", ...props.environment },
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
