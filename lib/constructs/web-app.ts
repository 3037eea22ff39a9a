import * as path from "node:path";
import { Duration, Stack, Stage, Validations } from "aws-cdk-lib";
import { HttpMethod } from "aws-cdk-lib/aws-apigatewayv2";
import type * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import { Construct } from "constructs";
import { APP_PAGE_IMPORT, writeAppPageModule } from "../../app/build";
import { HitlFunction } from "./hitl-function";
import type { HitlHttpApi } from "./http-api";

export interface WebAppProps {
  readonly api: HitlHttpApi;
  /** Where the page sends people to sign in (OIDC_ISSUER, OIDC_CLIENT_ID, …: functions/shared/sign-in.ts). */
  readonly signIn?: Record<string, string>;
}

/**
 * The web app for product, finance and ML teams: a small function serving one self-contained page
 * at `GET /app`. Public like the reviewer console (the page holds no data); every call it makes
 * carries the user's token through the JWT authorizer.
 */
export class WebApp extends Construct {
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    // Built at every synth that bundles, into the cloud assembly (never the source tree).
    const aliases = Stack.of(this).bundlingRequired
      ? { [APP_PAGE_IMPORT]: writeAppPageModule(path.resolve(Stage.of(this)?.outdir ?? ".", "hitl-app")) }
      : undefined;
    this.fn = new HitlFunction(this, "Page", {
      aliases,
      entry: "app",
      description: "Serves the web app page (GET /app)",
      environment: props.signIn,
      timeout: Duration.seconds(3),
      memorySize: 128,
    }).fn;
    for (const route of props.api.addPublicRoute({
      method: HttpMethod.GET,
      path: "/app",
      handler: this.fn,
    })) {
      Validations.of(route).acknowledge({
        id: "AwsSolutions-APIG4",
        reason:
          "GET /app serves the static app page, which holds no data. Every data call the page makes carries the user's bearer token through the JWT authorizer.",
      });
    }
  }
}
