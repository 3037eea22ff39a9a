import { Duration, Validations } from "aws-cdk-lib";
import { HttpMethod } from "aws-cdk-lib/aws-apigatewayv2";
import type * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import { Construct } from "constructs";
import { HitlFunction } from "./hitl-function";
import type { HitlHttpApi } from "./http-api";

export interface ApiContractProps {
  readonly api: HitlHttpApi;
}

/** `GET /v1/openapi.json`: the API's OpenAPI document, served by a small function without a token. */
export class ApiContract extends Construct {
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: ApiContractProps) {
    super(scope, id);
    this.fn = new HitlFunction(this, "Document", {
      entry: "openapi",
      description: "Serves the OpenAPI document (GET /v1/openapi.json)",
      timeout: Duration.seconds(3),
      memorySize: 128,
    }).fn;
    for (const route of props.api.addPublicRoute({
      method: HttpMethod.GET,
      path: "/v1/openapi.json",
      handler: this.fn,
    })) {
      Validations.of(route).acknowledge({
        id: "AwsSolutions-APIG4",
        reason:
          "GET /v1/openapi.json serves the API's contract, built from the code and the same for every caller: it holds no data. Clients read it before they have a token.",
      });
    }
  }
}
