/** An HTTP API as the local server runs it, read from the template's ApiGatewayV2 resources. */

export type RouteAuth =
  | { readonly type: "NONE" }
  | { readonly type: "JWT"; readonly scopes: readonly string[] }
  /** Lambda (CUSTOM) and IAM authorizers are not emulated: such routes answer 403 locally. */
  | { readonly type: "UNSUPPORTED"; readonly kind: string };

export interface RouteTarget {
  readonly functionName: string;
  readonly payloadFormatVersion: string;
  readonly timeoutMs: number;
}

export interface RouteSpec {
  readonly logicalId: string;
  /** `POST /v1/decisions`, `ANY /{proxy+}` or `$default`. */
  readonly routeKey: string;
  readonly auth: RouteAuth;
  /** Undefined when the route has no Lambda proxy integration the local cloud can run. */
  readonly target?: RouteTarget;
}

export interface CorsSpec {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAge?: number;
  readonly allowCredentials: boolean;
}

export interface ApiSpec {
  readonly logicalId: string;
  readonly stackName: string;
  readonly apiId: string;
  /** `$default`, or the stage name that prefixes every path. */
  readonly stageName: string;
  readonly routes: readonly RouteSpec[];
  readonly cors?: CorsSpec;
  /** Things of the template the local server does not do, for the startup summary. */
  readonly notes: readonly string[];
}
