import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import { tokenOverride } from "../../core/auth/token-roles";
import { edge } from "../shared/edge";

/**
 * The user pool's pre token generation trigger (event version 2): a person's access token keeps
 * the role scopes of their `hitl-<role>` groups only, and a reviewer's `custom:queues` becomes the
 * token's `queues` claim (core/auth/token-roles.ts). Client-credentials tokens never come here.
 */
export const handler = edge(
  async (event: PreTokenGenerationV2TriggerEvent) => {
    const override = tokenOverride({
      groups: event.request.groupConfiguration.groupsToOverride ?? [],
      queues: event.request.userAttributes["custom:queues"],
      resourceServer: process.env.RESOURCE_SERVER,
    });
    event.response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: override } };
    return event;
  },
  { correlation: () => ({}) },
);
