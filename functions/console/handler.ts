import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { CONSOLE_PAGE } from "#console-page";
import { edge } from "../shared/edge";
import { consoleHeaders } from "./headers";

const headers = consoleHeaders(CONSOLE_PAGE);

/**
 * GET /console: the reviewer console, one self-contained page. Public, because the page holds no
 * data; every call it makes to the API carries the reviewer's bearer token.
 */
export const handler = edge(
  async (): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 200,
    headers,
    body: CONSOLE_PAGE.html,
  }),
  { correlation: () => undefined },
);
