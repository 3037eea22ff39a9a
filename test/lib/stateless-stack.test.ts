import { describe, expect, it } from "vitest";
import { DECISIONS_STREAM_FILTERS, REVIEWS_STREAM_FILTERS } from "../../lib/constructs/metrics-pipeline";
import { REVISIONS_STREAM_FILTERS } from "../../lib/constructs/review-revisions";
import { synthesize } from "./synth";

const { compute } = synthesize();
const resources = compute.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, unknown> }
>;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every Allow statement attached to the role of the function whose logical id starts with `prefix`. */
function statementsOf(prefix: string): Statement[] {
  const fnId = Object.keys(resources).find(
    (id) => id.startsWith(`${prefix}Fn`) && resources[id]?.Type === "AWS::Lambda::Function",
  );
  if (!fnId) throw new Error(`no function ${prefix}`);
  const fn = resources[fnId];
  if (!fn) throw new Error(`no function ${prefix}`);
  const roleRef = (fn.Properties.Role as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === "AWS::IAM::Policy" &&
        (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === roleRef),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** A state machine's ASL with every CloudFormation token replaced by a placeholder string. */
function definitionOf(prefix: string): { States: Record<string, Record<string, unknown>> } {
  const machine = Object.entries(resources).find(
    ([id, r]) => id.startsWith(prefix) && r.Type === "AWS::StepFunctions::StateMachine",
  )?.[1];
  if (!machine) throw new Error(`no state machine ${prefix}`);
  const parts = (machine.Properties.DefinitionString as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1];
  return JSON.parse(parts.map((p) => (typeof p === "string" ? p : "TOKEN")).join(""));
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const mentions = (s: Statement, text: string) => JSON.stringify(s.Resource).includes(text);
const FUNCTIONS = [
  "RouteDecision",
  "DecisionsApi",
  "Ingest",
  "ExperimentsApi",
  "ReviewIntake",
  "ReviewSteps",
  "ReviewsApi",
  "FeedbackApi",
  "MetricsCounter",
];

describe("the stateless stack", () => {
  it("runs every function on Node.js 24 on arm64", () => {
    // Arrange
    const fns = Object.values(resources).filter((r) => r.Type === "AWS::Lambda::Function");

    // Act
    const shapes = new Set(
      fns.map((f) => `${f.Properties.Runtime} ${JSON.stringify(f.Properties.Architectures)}`),
    );

    // Assert
    expect(fns.length).toBeGreaterThanOrEqual(FUNCTIONS.length);
    expect([...shapes]).toEqual(['nodejs24.x ["arm64"]']);
  });

  it("routes synchronously in an Express machine and holds items in a Standard one", () => {
    // Arrange
    const machines = Object.entries(resources).filter(
      ([, r]) => r.Type === "AWS::StepFunctions::StateMachine",
    );

    // Act
    const types = Object.fromEntries(
      machines.map(([id, r]) => [
        id.replace(/StateMachine.*/, ""),
        r.Properties.StateMachineType ?? "STANDARD",
      ]),
    );

    // Assert
    expect(types).toEqual({ Router: "EXPRESS", Review: "STANDARD" });
  });

  it("starts a review execution only on the branch where the router returned a hold", () => {
    // Arrange
    const { States } = definitionOf("RouterStateMachine");

    // Act
    const choice = States.NeedsPerson as { Choices: unknown[]; Default: string };
    const starters = Object.entries(States).filter(([, s]) =>
      String(s.Resource).includes("states:startExecution"),
    );

    // Assert
    expect(choice.Choices).toEqual([{ Variable: "$.hold", IsPresent: true, Next: "StartReview" }]);
    expect(choice.Default).toBe("Respond");
    expect(starters.map(([name]) => name)).toEqual(["StartReview"]);
  });

  it("runs a step or the router's function again when it crashed (exit, timeout, out of memory)", () => {
    // Arrange
    const review = definitionOf("ReviewStateMachine").States;
    const router = definitionOf("RouterStateMachine").States;

    // Act
    const crashRetries = (state: unknown) =>
      ((state as { Retry?: { ErrorEquals: string[]; MaxAttempts: number }[] }).Retry ?? []).filter((r) =>
        r.ErrorEquals.includes("Runtime.ExitError"),
      );

    // Assert
    for (const name of ["Settle", "Escalate", "LeaseExpired", "Fallback", "RouteDecision"]) {
      const retries = crashRetries(review[name] ?? router[name]);
      expect(retries, name).toHaveLength(1);
      expect(retries[0]?.ErrorEquals, name).toEqual([
        "Lambda.Unknown",
        "Runtime.ExitError",
        "Sandbox.Timedout",
      ]);
    }
  });

  it("holds review items with a task token whose timeout is the tier's SLA", () => {
    // Arrange
    const { States } = definitionOf("ReviewStateMachine");

    // Act
    const hold = States.Hold as Record<string, unknown>;

    // Assert
    expect(hold.Resource).toBe("arn:TOKEN:states:::sqs:sendMessage.waitForTaskToken");
    expect(hold.TimeoutSecondsPath).toBe("$.slaSeconds");
    expect(hold.HeartbeatSecondsPath).toBe("$.heartbeatSeconds");
    expect(hold.Catch).toEqual([
      { ErrorEquals: ["States.Timeout"], ResultPath: "$.timeout", Next: "Escalate" },
      { ErrorEquals: ["States.HeartbeatTimeout"], ResultPath: "$.timeout", Next: "LeaseExpired" },
    ]);
    expect(JSON.stringify(hold.Parameters)).toContain('"taskToken.$":"$$.Task.Token"');
  });

  it("requires a JWT with the route's role scope on every route but the public console and app pages and the contract", () => {
    // Arrange
    const routes = Object.values(resources).filter((r) => r.Type === "AWS::ApiGatewayV2::Route");

    // Act
    const byKey = Object.fromEntries(routes.map((r) => [r.Properties.RouteKey, r.Properties]));

    // Assert
    expect(routes.length).toBeGreaterThanOrEqual(7);
    const publicRoutes = ["GET /console", "GET /app", "GET /v1/openapi.json"];
    for (const route of routes.filter((r) => !publicRoutes.includes(String(r.Properties.RouteKey)))) {
      expect(route.Properties.AuthorizationType).toBe("JWT");
      expect((route.Properties.AuthorizationScopes as string[]).length).toBeGreaterThan(0);
    }
    expect(byKey["POST /v1/decisions"]?.AuthorizationScopes).toEqual(["hitl/producer"]);
    expect(byKey["POST /v1/experiments"]?.AuthorizationScopes).toEqual(["hitl/admin"]);
    expect(byKey["GET /console"]?.AuthorizationType).toBe("NONE");
    expect(byKey["GET /app"]?.AuthorizationType).toBe("NONE");
    expect(byKey["GET /v1/openapi.json"]?.AuthorizationType).toBe("NONE");
    expect(byKey["GET /v1/experiments/{id}/versions"]?.AuthorizationScopes).toEqual([
      "hitl/admin",
      "hitl/analyst",
    ]);
  });

  it("counts metrics from the decisions and reviews streams: filtered writes, one ordered batch per shard, with a failure destination", () => {
    // Arrange
    const mappings = Object.values(resources).filter(
      (r) =>
        r.Type === "AWS::Lambda::EventSourceMapping" &&
        JSON.stringify(r.Properties.EventSourceArn).includes("StreamArn") &&
        JSON.stringify(r.Properties.FunctionName).includes("MetricsCounter"),
    );
    const patternsOf = (table: string) => {
      const mapping = mappings.find((m) => JSON.stringify(m.Properties.EventSourceArn).includes(table));
      const criteria = mapping?.Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined;
      return (criteria?.Filters ?? []).map((f) => JSON.parse(f.Pattern));
    };

    // Assert
    expect(mappings).toHaveLength(2);
    for (const mapping of mappings) {
      expect(JSON.stringify(mapping.Properties.FunctionName)).toContain("MetricsCounter");
      expect(mapping.Properties).toMatchObject({
        StartingPosition: "TRIM_HORIZON",
        ParallelizationFactor: 1,
        TumblingWindowInSeconds: 60,
      });
      expect(JSON.stringify(mapping.Properties.DestinationConfig)).toContain("StreamCountFailures");
    }
    expect(patternsOf("DecisionsTable")).toEqual(DECISIONS_STREAM_FILTERS);
    expect(patternsOf("ReviewsTable")).toEqual(REVIEWS_STREAM_FILTERS);
  });

  it("applies re-review revisions from the reviews stream: only writes with a revision, with a failure destination", () => {
    // Arrange
    const mappings = Object.values(resources).filter(
      (r) =>
        r.Type === "AWS::Lambda::EventSourceMapping" &&
        JSON.stringify(r.Properties.FunctionName).includes("ReviewRevisions"),
    );
    const criteria = mappings[0]?.Properties.FilterCriteria as { Filters: { Pattern: string }[] } | undefined;

    // Act
    const patterns = (criteria?.Filters ?? []).map((f) => JSON.parse(f.Pattern));

    // Assert
    expect(mappings).toHaveLength(1);
    expect(JSON.stringify(mappings[0]?.Properties.EventSourceArn)).toContain("ReviewsTable");
    expect(JSON.stringify(mappings[0]?.Properties.DestinationConfig)).toContain("StreamCountFailures");
    expect(patterns).toEqual(REVISIONS_STREAM_FILTERS);
  });

  it("alarms on every dead-letter queue and on failed and timed-out executions", () => {
    // Arrange
    const alarms = Object.values(resources).filter((r) => r.Type === "AWS::CloudWatch::Alarm");

    // Act
    const metrics = alarms.map((a) => a.Properties.MetricName);

    // Assert
    // Five dead-letter queues and the streams' failure destination.
    expect(metrics.filter((m) => m === "ApproximateNumberOfMessagesVisible")).toHaveLength(6);
    expect(metrics.filter((m) => m === "ExecutionsFailed")).toHaveLength(2);
    expect(metrics.filter((m) => m === "ExecutionsTimedOut")).toHaveLength(2);
  });

  describe("least privilege", () => {
    it("never grants a wildcard action or full DynamoDB access to a function", () => {
      for (const name of FUNCTIONS) {
        for (const s of statementsOf(name)) {
          for (const action of actions(s)) {
            expect(action, `${name}: ${action}`).not.toBe("*");
            expect(action, `${name}: ${action}`).not.toBe("dynamodb:*");
          }
        }
      }
    });

    it("lets functions only add entries to the audit trail, never change or delete one", () => {
      // Arrange
      const writes = [
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:PutItem",
      ];

      for (const name of FUNCTIONS) {
        // Act
        const onAudit = statementsOf(name)
          .filter((s) => mentions(s, "AuditTable"))
          .flatMap(actions)
          .filter((a) => a.startsWith("dynamodb:"));

        // Assert
        expect(
          onAudit.filter((a) => writes.includes(a) && a !== "dynamodb:PutItem"),
          name,
        ).toEqual([]);
      }
    });

    it("lets the decisions API start only the router, stop only review executions, and never create or delete decisions", () => {
      // Arrange
      const statements = statementsOf("DecisionsApi");

      // Act
      const states = statements.filter((s) => actions(s).some((a) => a.startsWith("states:")));
      const decisionActions = statements.filter((s) => mentions(s, "DecisionsTable")).flatMap(actions);

      // Assert
      expect(states.flatMap(actions).sort()).toEqual(["states:StartSyncExecution", "states:StopExecution"]);
      const startSync = states.find((s) => actions(s).includes("states:StartSyncExecution"));
      const stop = states.find((s) => actions(s).includes("states:StopExecution"));
      expect(JSON.stringify(startSync?.Resource)).toContain("RouterStateMachine");
      expect(JSON.stringify(stop?.Resource)).toContain(":execution:");
      expect(JSON.stringify(stop?.Resource)).toContain("ReviewStateMachine");
      expect(decisionActions.sort()).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    });

    it("lets the router function create decisions but not update or delete them", () => {
      // Act
      const decisionActions = statementsOf("RouteDecision")
        .filter((s) => mentions(s, "DecisionsTable"))
        .flatMap(actions);

      // Assert
      expect(decisionActions.sort()).toEqual(["dynamodb:GetItem", "dynamodb:PutItem"]);
    });

    it("lets the metrics counter read the two streams and write counters, and nothing else of the tables", () => {
      // Act
      const statements = statementsOf("MetricsCounter");
      const streams = statements.filter((s) => mentions(s, "StreamArn"));
      const onMetrics = statements.filter((s) => mentions(s, "MetricsTable")).flatMap(actions);
      const onOtherTables = statements
        .filter((s) =>
          ["DecisionsTable", "ReviewsTable", "AuditTable", "ExperimentsTable"].some(
            (t) => mentions(s, `${t}2`) || mentions(s, `${t}1`),
          ),
        )
        .filter((s) => !mentions(s, "StreamArn"))
        .flatMap(actions);

      // Assert
      expect(streams.some((s) => mentions(s, "DecisionsTable"))).toBe(true);
      expect(streams.some((s) => mentions(s, "ReviewsTable"))).toBe(true);
      expect(streams.flatMap(actions)).toContain("dynamodb:GetRecords");
      expect(onMetrics.sort()).toEqual([
        "dynamodb:BatchGetItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ]);
      expect(onOtherTables).toEqual([]);
    });

    it("gives no function a metrics queue to send to: every event comes from a committed record", () => {
      for (const name of FUNCTIONS) {
        const sends = statementsOf(name).filter((s) => mentions(s, "MetricsQueue"));
        expect(sends, name).toEqual([]);
      }
      const environments = Object.values(resources)
        .filter((r) => r.Type === "AWS::Lambda::Function")
        .map((r) => JSON.stringify(r.Properties.Environment ?? {}));
      expect(environments.filter((e) => e.includes("METRICS_QUEUE_URL"))).toEqual([]);
    });

    it("lets the reviews API read no decision: a verdict's event needs only the review item", () => {
      const onDecisions = statementsOf("ReviewsApi").filter((s) => mentions(s, "DecisionsTable"));
      expect(onDecisions).toEqual([]);
    });

    it("lets the revisions function only read the reviews stream, and settle decisions and add corrections", () => {
      // Act
      const statements = statementsOf("ReviewRevisionsFunction");
      const onReviews = statements.filter((s) => mentions(s, "ReviewsTable")).flatMap(actions);
      const onDecisions = statements.filter((s) => mentions(s, "DecisionsTable")).flatMap(actions);

      // Assert
      expect(onReviews.length).toBeGreaterThan(0);
      expect(
        onReviews.every((a) => /^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/.test(a)),
      ).toBe(true);
      expect(onDecisions.sort()).toEqual(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
    });

    it("lets the guardrail function write only roll-up items of the metrics table", () => {
      // Arrange
      const writes = [
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
      ];

      // Act
      const onMetrics = statementsOf("GuardrailsCheck").filter((s) => mentions(s, "MetricsTable"));
      const writing = onMetrics.filter((s) => actions(s).some((a) => writes.includes(a)));

      // Assert
      expect(writing.flatMap(actions).sort()).toEqual(["dynamodb:PutItem", "dynamodb:UpdateItem"]);
      for (const s of writing)
        expect((s as Statement & { Condition?: unknown }).Condition).toEqual({
          "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["ROLLUP#*"] },
        });
      expect(onMetrics.flatMap(actions)).toContain("dynamodb:Query");
    });

    it("keeps the ingest function away from every table", () => {
      // Act
      const tableActions = statementsOf("Ingest")
        .flatMap(actions)
        .filter((a) => a.startsWith("dynamodb:"));

      // Assert
      expect(tableActions).toEqual([]);
    });
  });
});
