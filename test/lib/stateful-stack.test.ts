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
    expect(queues).toHaveLength(11);
    expect(work).toHaveLength(5);
    for (const q of work) expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    for (const q of queues) expect(q.Properties.KmsMasterKeyId).toBeDefined();
  });

  it("streams old and new images of the decisions and reviews tables, which metrics are counted from, and of no other table", () => {
    // Arrange
    const tables = Object.entries(data.findResources("AWS::DynamoDB::GlobalTable"));

    // Act
    const streamed = tables.filter(([, t]) => t.Properties.StreamSpecification);

    // Assert
    expect(streamed.map(([id]) => id.replace(/[0-9A-F]{8}$/, "")).sort()).toEqual([
      "DecisionsTable",
      "ReviewsTable",
    ]);
    for (const [, table] of streamed)
      expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: "NEW_AND_OLD_IMAGES" });
  });

  it("has no metrics queue: no metric event travels apart from the record that implies it", () => {
    const names = Object.keys(data.findResources("AWS::SQS::Queue"));
    expect(names.filter((id) => id.startsWith("MetricsQueue"))).toEqual([]);
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

  it("gives each person the roles of their user-pool groups: one group per role and a version 2 pre token trigger", () => {
    // Arrange
    const groups = Object.values(data.findResources("AWS::Cognito::UserPoolGroup"));
    const pool = Object.values(data.findResources("AWS::Cognito::UserPool"))[0];

    // Act
    const trigger = pool?.Properties.LambdaConfig?.PreTokenGenerationConfig;

    // Assert
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([
      "hitl-admin",
      "hitl-analyst",
      "hitl-ml",
      "hitl-producer",
      "hitl-reviewer",
    ]);
    expect(trigger).toMatchObject({ LambdaVersion: "V2_0" });
    expect(pool?.Properties.UserPoolTier).toBe("ESSENTIALS");
    expect(pool?.Properties.Schema).toEqual(
      expect.arrayContaining([expect.objectContaining({ Name: "queues", Mutable: true })]),
    );
  });

  it("lets the trigger function do nothing but write its logs and traces", () => {
    // Arrange
    const policies = Object.values(data.findResources("AWS::IAM::Policy"));

    // Act
    const actions = policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) =>
        Array.isArray(st.Action) ? st.Action : [st.Action],
      ),
    );

    // Assert
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).toMatch(/^(xray:|logs:)/);
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
    expect(denies).toHaveLength(11);
  });
});
