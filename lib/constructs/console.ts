import * as path from "node:path";
import { Duration, Stack, Stage, Validations } from "aws-cdk-lib";
import { HttpMethod } from "aws-cdk-lib/aws-apigatewayv2";
import type * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import { Construct } from "constructs";
import { PAGE_IMPORT, writePageModule } from "../../console/build";
import { HitlFunction } from "./hitl-function";
import type { HitlHttpApi } from "./http-api";

export interface ReviewerConsoleProps {
  readonly api: HitlHttpApi;
  /** Where the page sends people to sign in (OIDC_ISSUER, OIDC_CLIENT_ID, …: functions/shared/sign-in.ts). */
  readonly signIn?: Record<string, string>;
}

/**
 * The reviewer console: a small function serving one self-contained page at `GET /console`. The
 * route is public (the page holds no data); every call the page makes carries the reviewer's token
 * and goes through the JWT authorizer like any other client's.
 */
export class ReviewerConsole extends Construct {
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: ReviewerConsoleProps) {
    super(scope, id);
    // The page is built at every synth that bundles, into the cloud assembly (never the source tree),
    // and the bundle imports it there: a deploy or the local cloud never ships a page older than console/src.
    const aliases = Stack.of(this).bundlingRequired
      ? { [PAGE_IMPORT]: writePageModule(path.resolve(Stage.of(this)?.outdir ?? ".", "hitl-console")) }
      : undefined;
    this.fn = new HitlFunction(this, "Page", {
      aliases,
      entry: "console",
      description: "Serves the reviewer console page (GET /console)",
      environment: props.signIn,
      timeout: Duration.seconds(3),
      memorySize: 128,
    }).fn;
    for (const route of props.api.addPublicRoute({
      method: HttpMethod.GET,
      path: "/console",
      handler: this.fn,
    })) {
      Validations.of(route).acknowledge({
        id: "AwsSolutions-APIG4",
        reason:
          "GET /console serves the static console page, which holds no data. Every data call the page makes carries the reviewer's bearer token through the JWT authorizer.",
      });
    }
  }
}
