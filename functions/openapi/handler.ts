import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { openApiDocument } from "../../core/api/openapi";
import { edge } from "../shared/edge";

// Built once per container: the document depends on nothing but the code.
const body = JSON.stringify(openApiDocument());

/** GET /v1/openapi.json: the API's contract. Public, like the console page: it holds no data. */
export const handler = edge(
  async (): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 200,
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
    body,
  }),
  { correlation: () => undefined },
);
