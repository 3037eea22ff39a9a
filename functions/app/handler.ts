import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { APP_PAGE } from "#app-page";
import { edge } from "../shared/edge";
import { pageHeaders } from "../shared/page-headers";
import { signInConfig, signInOrigins, withSignIn } from "../shared/sign-in";

const signIn = signInConfig();
const headers = pageHeaders(APP_PAGE, signInOrigins(signIn));
const html = withSignIn(APP_PAGE.html, signIn);

/**
 * GET /app: the web app for product, finance and ML teams, one self-contained page. Public, because
 * the page holds no data; every call it makes to the API carries the signed-in user's bearer token.
 */
export const handler = edge(
  async (): Promise<APIGatewayProxyStructuredResultV2> => ({ statusCode: 200, headers, body: html }),
  { correlation: () => undefined },
);
