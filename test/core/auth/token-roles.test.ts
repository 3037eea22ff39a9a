import { describe, expect, it } from "vitest";
import { groupOf, rolesOf, tokenOverride } from "../../../core/auth/token-roles";

describe("per-person roles from user-pool groups", () => {
  it("keeps only the role scopes of the person's groups", () => {
    // Act
    const override = tokenOverride({ groups: ["hitl-reviewer", "hitl-analyst", "other-team"] });

    // Assert
    expect(override.scopesToSuppress).toEqual(["hitl/producer", "hitl/ml", "hitl/admin"]);
    expect(override.claimsToAddOrOverride).toBeUndefined();
  });

  it("gives a person in no hitl group no role at all", () => {
    // Act
    const override = tokenOverride({ groups: [] });

    // Assert
    expect(override.scopesToSuppress).toEqual([
      "hitl/producer",
      "hitl/reviewer",
      "hitl/analyst",
      "hitl/ml",
      "hitl/admin",
    ]);
  });

  it("puts a reviewer's queues on the token, and leaves a blank attribute out", () => {
    // Act
    const withQueues = tokenOverride({ groups: [groupOf("reviewer")], queues: " default.*,audit " });
    const blank = tokenOverride({ groups: [groupOf("reviewer")], queues: "  " });

    // Assert
    expect(withQueues.claimsToAddOrOverride).toEqual({ queues: "default.*,audit" });
    expect(blank.claimsToAddOrOverride).toBeUndefined();
  });

  it("reads roles in the API's order and ignores look-alike group names", () => {
    // Act
    const roles = rolesOf(["hitl-admin", "hitl-producer", "hitl-Admin", "hitl-superuser"]);

    // Assert
    expect(roles).toEqual(["producer", "admin"]);
  });
});
