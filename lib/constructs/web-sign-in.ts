import { Stack } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";
import { ROLES } from "../../core/roles";
import type { HitlHttpApi } from "./http-api";

export interface WebSignInProps {
  readonly api: HitlHttpApi;
  readonly userPool: cognito.IUserPool;
  readonly domain: cognito.UserPoolDomain;
  /** Another OIDC issuer (`-c jwtIssuer`): its own app client signs people in, no Cognito client is made. */
  readonly jwtIssuer?: string;
  /** That issuer's client id for the pages (`-c oidcClientId`); defaults to the first audience. */
  readonly oidcClientId?: string;
  readonly jwtAudience?: readonly string[];
  /** Origins besides the issuer's that the pages call to sign in (`-c oidcOrigins`, space-separated). */
  readonly oidcOrigins?: string;
  /** More callback URLs (`-c webCallbackUrls`), e.g. the pages behind a custom domain. */
  readonly extraCallbackUrls?: readonly string[];
}

/**
 * How the browser pages (`/app`, `/console`) sign people in: the OAuth 2.0 authorization code flow
 * with PKCE against the user pool's hosted UI, through a public app client (no secret) whose
 * callback and sign-out URLs are the pages on this API. `environment` is what the page functions
 * read (functions/shared/sign-in.ts).
 */
export class WebSignIn extends Construct {
  readonly client?: cognito.UserPoolClient;
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: WebSignInProps) {
    super(scope, id);
    if (props.jwtIssuer) {
      const clientId = props.oidcClientId ?? props.jwtAudience?.[0] ?? "";
      this.environment = {
        OIDC_ISSUER: props.jwtIssuer,
        OIDC_CLIENT_ID: clientId,
        ...(props.oidcOrigins ? { OIDC_CONNECT_SRC: props.oidcOrigins } : {}),
      };
      return;
    }
    const endpoint = props.api.api.apiEndpoint;
    const pages = [`${endpoint}/app`, `${endpoint}/console`, ...(props.extraCallbackUrls ?? [])];
    const region = Stack.of(this).region;
    this.client = new cognito.UserPoolClient(this, "Client", {
      userPool: props.userPool,
      generateSecret: false,
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          ...ROLES.map((role) => cognito.OAuthScope.custom(`hitl/${role}`)),
        ],
        callbackUrls: pages,
        logoutUrls: pages,
      },
    });
    const hostedUi = props.domain.baseUrl();
    this.environment = {
      OIDC_ISSUER: `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
      OIDC_CLIENT_ID: this.client.userPoolClientId,
      OIDC_LOGOUT_URL: `${hostedUi}/logout`,
      OIDC_CONNECT_SRC: `https://cognito-idp.${region}.amazonaws.com ${hostedUi}`,
    };
  }
}
