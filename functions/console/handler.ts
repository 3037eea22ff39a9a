import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { CONSOLE_PAGE } from "#console-page";
import { edge } from "../shared/edge";
import { pageHeaders } from "../shared/page-headers";
import { signInConfig, signInOrigins, withSignIn } from "../shared/sign-in";

const signIn = signInConfig();
const headers = pageHeaders(CONSOLE_PAGE, signInOrigins(signIn));
const html = withSignIn(CONSOLE_PAGE.html, signIn);

/**
 * GET /console: the reviewer console, one self-contained page. Public, because the page holds no
 * data; every call it makes to the API carries the reviewer's bearer token.
 */
export const handler = edge(
  async (): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 200,
    headers,
    body: html,
  }),
  { correlation: () => undefined },
);
