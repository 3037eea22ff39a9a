import { CfnOutput } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { Role } from "../../core/roles";

export interface HttpApiProps {
  /** OIDC issuer of the bearer tokens (a Cognito user pool's URL or any OIDC provider). */
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
}

export interface RouteSpec {
  readonly method: apigw.HttpMethod;
  readonly path: string;
  readonly handler: lambda.IFunction;
  /** The token needs at least one of these roles (scopes `hitl/<role>`). */
  readonly roles: readonly Role[];
}

/**
 * The public HTTP API: every data route needs a JWT carrying one of its roles as a scope. Public
 * routes (`addPublicRoute`) are only for content that holds no data, such as the console page.
 */
export class HitlHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  private readonly authorizer: HttpJwtAuthorizer;
  private readonly integrations = new Map<lambda.IFunction, HttpLambdaIntegration>();

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.authorizer = new HttpJwtAuthorizer("Jwt", props.jwtIssuer, { jwtAudience: props.jwtAudience });
    this.api = new apigw.HttpApi(this, "Api", {
      description: "hitl-lab API",
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, "AccessLogs", { retention: logs.RetentionDays.ONE_MONTH });
    new apigw.HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      autoDeploy: true,
      stageName: "$default",
      throttle: { rateLimit: 2000, burstLimit: 1000 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.clf(),
      },
    });
    new CfnOutput(this, "ApiUrl", { value: this.api.apiEndpoint });
  }

  addRoute(route: RouteSpec): void {
    this.api.addRoutes({
      path: route.path,
      methods: [route.method],
      integration: this.integrationFor(route.handler),
      authorizer: this.authorizer,
      authorizationScopes: route.roles.map((role) => `hitl/${role}`),
    });
  }

  /** A route without the authorizer; returns it so the caller can acknowledge cdk-nag's APIG4 on it. */
  addPublicRoute(route: Omit<RouteSpec, "roles">): apigw.HttpRoute[] {
    return this.api.addRoutes({
      path: route.path,
      methods: [route.method],
      integration: this.integrationFor(route.handler),
    });
  }

  private integrationFor(handler: lambda.IFunction): HttpLambdaIntegration {
    let integration = this.integrations.get(handler);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${handler.node.id}Integration`, handler);
      this.integrations.set(handler, integration);
    }
    return integration;
  }
}
