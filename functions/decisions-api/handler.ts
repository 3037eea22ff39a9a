import { requireEnv } from "../../adapters/dynamodb/client";
import { sfnClient } from "../../adapters/sfn/client";
import { runRouter } from "../../adapters/sfn/router";
import { SfnWorkflow } from "../../adapters/sfn/workflow";
import { decisionEntity, reviewEntity } from "../../core/audit/entry";
import { toView } from "../../core/decisions/record";
import { DomainError, notFound } from "../../core/errors";
import { withdrawDecision } from "../../core/review/withdraw";
import { deps } from "../shared/deps";
import { httpApi } from "../shared/http";

const decisions = deps.decisions();
const audit = deps.audit();
const routerArn = requireEnv("ROUTER_STATE_MACHINE_ARN");
const withdrawal = {
  decisions,
  reviews: deps.reviews(),
  workflow: new SfnWorkflow(sfnClient(), requireEnv("REVIEW_STATE_MACHINE_ARN")),
  audit,
  now: deps.now,
};

export const handler = httpApi({
  "POST /v1/decisions": {
    roles: ["producer"],
    async run({ body, caller }) {
      if (body === undefined)
        throw new DomainError(400, "missing_body", "request body is empty; send a decision as JSON");
      const result = await runRouter(sfnClient(), routerArn, {
        request: body,
        receivedAt: new Date().toISOString(),
        actor: caller.id,
      });
      if (!result.ok) {
        const { status, code, message, details } = result.error;
        throw new DomainError(
          status as DomainError["status"],
          code,
          message,
          details as DomainError["details"],
        );
      }
      const headers: Record<string, string> = result.replayed ? { "x-hitl-replayed": "true" } : {};
      return { body: result.response, headers };
    },
  },
  "GET /v1/decisions/{id}": {
    roles: ["producer", "analyst", "reviewer", "admin"],
    async run({ params }) {
      const record = await decisions.get(params.id ?? "");
      if (!record) throw notFound("decision", params.id ?? "");
      return { body: toView(record) };
    },
  },
  "POST /v1/decisions/{id}/withdraw": {
    roles: ["producer", "admin"],
    async run({ params, body, caller }) {
      const reason = (body as { reason?: unknown } | undefined)?.reason;
      return {
        body: await withdrawDecision(
          withdrawal,
          params.id ?? "",
          caller.id,
          typeof reason === "string" ? reason : undefined,
        ),
      };
    },
  },
  "GET /v1/decisions/{id}/audit": {
    roles: ["analyst", "admin"],
    async run({ params }) {
      const id = params.id ?? "";
      const record = await decisions.get(id);
      if (!record) throw notFound("decision", id);
      const entries = await audit.list(decisionEntity(id));
      const review = record.reviewId ? await audit.list(reviewEntity(record.reviewId)) : [];
      return {
        body: { decisionId: id, entries: [...entries, ...review].sort((a, b) => a.at.localeCompare(b.at)) },
      };
    },
  },
});
