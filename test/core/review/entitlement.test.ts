import { describe, expect, it } from "vitest";
import { canSee, parseQueuesClaim } from "../../../core/review/entitlement";

const reviewer = (claim?: string, admin = false) => ({ id: "r", admin, queues: parseQueuesClaim(claim) });

describe("queue entitlements", () => {
  it("lets a reviewer without a queues claim see first-tier queues and the audit queue only", () => {
    expect(canSee(reviewer(), "default")).toBe(true);
    expect(canSee(reviewer(), "audit")).toBe(true);
    expect(canSee(reviewer(), "default.tier-2")).toBe(false);
  });

  it("reads exact names, prefix patterns and the wildcard from the claim", () => {
    // Arrange
    const claim = "high-value, default.*";

    // Act
    const r = reviewer(claim);

    // Assert
    expect(canSee(r, "high-value")).toBe(true);
    expect(canSee(r, "default.tier-2")).toBe(true);
    expect(canSee(r, "default")).toBe(false);
    expect(canSee(r, "fraud")).toBe(false);
    expect(canSee(reviewer("*"), "fraud.tier-2")).toBe(true);
  });

  it("lets admins see every queue whatever their claim", () => {
    expect(canSee(reviewer("high-value", true), "fraud.adjudication")).toBe(true);
  });
});
