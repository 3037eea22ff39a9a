import { DomainError } from "../../core/errors";
import { experimentHistory } from "../../core/experiments/history";
import { changeExperiment, createExperiment, getExperiment } from "../../core/experiments/manage";
import { deps } from "../shared/deps";
import { httpApi } from "../shared/http";

const manage = { experiments: deps.experiments(), audit: deps.audit(), now: deps.now };
const requireBody = (body: unknown) => {
  if (body === undefined)
    throw new DomainError(400, "missing_body", "request body is empty; send the experiment as JSON");
  return body;
};

export const handler = httpApi({
  "GET /v1/experiments": {
    roles: ["admin", "analyst"],
    run: async () => ({ body: { experiments: await manage.experiments.list() } }),
  },
  "POST /v1/experiments": {
    roles: ["admin"],
    run: async ({ body, caller }) => ({
      status: 201,
      body: await createExperiment(manage, requireBody(body), caller.id),
    }),
  },
  "GET /v1/experiments/{id}": {
    roles: ["admin", "analyst"],
    run: async ({ params }) => ({ body: await getExperiment(manage, params.id ?? "") }),
  },
  "GET /v1/experiments/{id}/versions": {
    roles: ["admin", "analyst"],
    run: async ({ params }) => ({ body: await experimentHistory(manage, params.id ?? "") }),
  },
  "PUT /v1/experiments/{id}": {
    roles: ["admin"],
    run: async ({ params, body, caller }) => ({
      body: await changeExperiment(manage, params.id ?? "", requireBody(body), caller.id),
    }),
  },
});
