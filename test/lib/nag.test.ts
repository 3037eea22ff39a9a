import { describe, expect, it } from "vitest";
import { synthesize } from "./synth";

describe("cdk-nag AwsSolutions pack", () => {
  it("reports no finding that is not acknowledged with a reason", () => {
    // Arrange
    const app = synthesize({ nag: true });

    // Act
    const findings = app.nagFindings();

    // Assert
    expect(findings).toEqual([]);
  });
});
