import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { synthesize } from "./synth";

const { data } = synthesize();

describe("the stateful stack", () => {
  it("encrypts every table with the customer-managed key and keeps point-in-time recovery", () => {
    // Arrange
    const tables = data.findResources("AWS::DynamoDB::GlobalTable");

    // Act
    const replicas = Object.values(tables).map((t) => t.Properties.Replicas[0]);

    // Assert
    expect(Object.keys(tables)).toHaveLength(5);
    for (const replica of replicas) {
      expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(replica.SSESpecification.KMSMasterKeyId).toBeDefined();
    }
  });

  it("gives every work queue a dead-letter queue after five receives, all KMS-encrypted", () => {
    // Arrange
    const queues = Object.values(data.findResources("AWS::SQS::Queue"));

    // Act
    const work = queues.filter((q) => q.Properties.RedrivePolicy);

    // Assert
    expect(queues).toHaveLength(13);
    expect(work).toHaveLength(6);
    for (const q of work) expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    for (const q of queues) expect(q.Properties.KmsMasterKeyId).toBeDefined();
  });

  it("streams new images of the decisions table, and of no other table", () => {
    // Arrange
    const tables = Object.entries(data.findResources("AWS::DynamoDB::GlobalTable"));

    // Act
    const streamed = tables.filter(([, t]) => t.Properties.StreamSpecification).map(([id]) => id);

    // Assert
    expect(streamed).toHaveLength(1);
    expect(streamed[0]).toMatch(/^DecisionsTable/);
    expect(data.toJSON().Resources[streamed[0] ?? ""].Properties.StreamSpecification).toEqual({
      StreamViewType: "NEW_IMAGE",
    });
  });

  it("rotates the data key", () => {
    data.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
  });

  it("defines one OAuth scope per role on the user pool's resource server", () => {
    data.hasResourceProperties("AWS::Cognito::UserPoolResourceServer", {
      Identifier: "hitl",
      Scopes: ["producer", "reviewer", "analyst", "ml", "admin"].map((role) =>
        Match.objectLike({ ScopeName: role }),
      ),
    });
  });

  it("refuses plain-HTTP access to every queue", () => {
    // Arrange
    const policies = Object.values(data.findResources("AWS::SQS::QueuePolicy"));

    // Act
    const denies = policies.filter((p) =>
      p.Properties.PolicyDocument.Statement.some(
        (s: { Effect: string; Condition?: { Bool?: Record<string, string> } }) =>
          s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
      ),
    );

    // Assert
    expect(denies).toHaveLength(13);
  });
});
