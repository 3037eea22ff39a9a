import type { PreTokenGenerationV2TriggerEvent } from "aws-lambda";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { logger } from "../../adapters/observability";
import { handler } from "../../functions/pre-token/handler";
import { lambdaContext } from "../support/lambda-context";

/** A hosted-UI sign-in as Cognito sends it to a version 2 trigger. */
const signIn = (groups: string[], attributes: Record<string, string> = {}) =>
  ({
    version: "2",
    triggerSource: "TokenGeneration_HostedAuth",
    region: "eu-west-1",
    userPoolId: "eu-west-1_abc",
    userName: "ana",
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "client-1" },
    request: {
      userAttributes: { sub: "s-1", email: "ana@example.com", ...attributes },
      groupConfiguration: { groupsToOverride: groups },
      scopes: ["openid", "email", "hitl/reviewer", "hitl/admin"],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  }) as unknown as PreTokenGenerationV2TriggerEvent;

beforeEach(() => {
  vi.spyOn(logger, "info").mockImplementation(() => undefined);
});

describe("the pre token generation trigger", () => {
  it("answers with the role scopes to suppress and the reviewer's queues on the access token", async () => {
    // Act
    const answer = (await handler(
      signIn(["hitl-reviewer"], { "custom:queues": "support.*" }),
      lambdaContext("PreToken"),
    )) as PreTokenGenerationV2TriggerEvent;

    // Assert
    expect(answer.response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({
      scopesToSuppress: ["hitl/producer", "hitl/analyst", "hitl/ml", "hitl/admin"],
      claimsToAddOrOverride: { queues: "support.*" },
    });
  });

  it("leaves a signed-in person without a hitl group no role scope", async () => {
    // Act
    const answer = (await handler(signIn([]), lambdaContext("PreToken"))) as PreTokenGenerationV2TriggerEvent;

    // Assert
    expect(
      answer.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.scopesToSuppress,
    ).toHaveLength(5);
  });
});
