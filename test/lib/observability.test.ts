import { describe, expect, it } from "vitest";
import { synthesize } from "./synth";

const { compute } = synthesize();
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = compute.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The dashboard's body with every CloudFormation token replaced by a placeholder. */
function dashboardBody(): { widgets: { properties: { title: string; metrics?: unknown[] } }[] } {
  const [entry] = ofType("AWS::CloudWatch::Dashboard");
  if (!entry) throw new Error("no dashboard");
  const body = entry[1].Properties.DashboardBody as { "Fn::Join": [string, unknown[]] };
  return JSON.parse(body["Fn::Join"][1].map((p) => (typeof p === "string" ? p : "TOKEN")).join(""));
}

describe("logs, traces and metrics in the synthesized template", () => {
  it("traces every function with X-Ray and gives each the Powertools settings", () => {
    // Arrange
    const functions = ofType("AWS::Lambda::Function");

    // Act
    const settings = functions.map(([id, f]) => {
      const env = (f.Properties.Environment as { Variables: Record<string, string> }).Variables;
      return {
        id,
        tracing: f.Properties.TracingConfig,
        service: env.POWERTOOLS_SERVICE_NAME,
        level: env.POWERTOOLS_LOG_LEVEL,
        namespace: env.POWERTOOLS_METRICS_NAMESPACE,
        httpSubsegments: env.POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS,
      };
    });

    // Assert
    expect(functions.length).toBeGreaterThanOrEqual(12);
    for (const s of settings) {
      expect(s).toEqual({
        id: s.id,
        tracing: { Mode: "Active" },
        service: expect.stringMatching(/^[a-z-]+$/),
        level: "INFO",
        namespace: "HitlLab",
        httpSubsegments: "false",
      });
    }
    expect(new Set(settings.map((s) => s.service)).size).toBe(settings.length);
  });

  it("lets every function write its traces and nothing more for X-Ray", () => {
    // Arrange
    const policies = ofType("AWS::IAM::Policy").map(([, p]) => p.Properties);
    const functions = ofType("AWS::Lambda::Function");

    // Act
    const tracedRoles = new Set(
      policies
        .filter((p) =>
          (p.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.some((s) =>
            [s.Action].flat().includes("xray:PutTraceSegments"),
          ),
        )
        .flatMap((p) => (p.Roles as { Ref: string }[]).map((r) => r.Ref)),
    );
    const xrayActions = new Set(
      policies.flatMap((p) =>
        (p.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) =>
          [s.Action].flat().filter((a) => a.startsWith("xray:")),
        ),
      ),
    );

    // Assert
    for (const [, f] of functions) {
      const role = (f.Properties.Role as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
      expect(tracedRoles.has(role)).toBe(true);
    }
    expect([...xrayActions].sort()).toEqual([
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]);
  });

  it("traces both state machines", () => {
    // Arrange
    const machines = ofType("AWS::StepFunctions::StateMachine");

    // Act
    const tracing = Object.fromEntries(
      machines.map(([id, m]) => [id.replace(/StateMachine.*/, ""), m.Properties.TracingConfiguration]),
    );

    // Assert
    expect(tracing).toEqual({ Router: { Enabled: true }, Review: { Enabled: true } });
  });

  it("has an operations dashboard with the decision, API, execution, queue and function widgets", () => {
    // Arrange
    const { widgets } = dashboardBody();

    // Act
    const titles = widgets.map((w) => w.properties.title);
    const byTitle = (title: string) => JSON.stringify(widgets.find((w) => w.properties.title === title));

    // Assert
    expect(titles).toEqual([
      "Routed decisions per minute, by experiment",
      "Held decisions and verdicts per minute, by experiment",
      "API requests, 4xx and 5xx",
      "API latency (p50, p99)",
      "Router executions: started, failed, timed out",
      "Review executions: started, failed, timed out",
      "Dead-lettered messages and handled errors per minute",
      "Queue depth (visible messages)",
      "Age of the oldest message (s)",
      "Dead-letter queue depth",
      "Function errors",
      "Function duration p99 (ms)",
      "Function throttles",
    ]);
    expect(widgets[0]?.properties.metrics).toEqual([
      [
        {
          expression: `SEARCH('{HitlLab,experimentId,service} MetricName="DecisionsRouted"', 'Sum', 60)`,
          period: 60,
        },
      ],
    ]);
    expect(byTitle("API requests, 4xx and 5xx")).toMatch(/4xx.*5xx.*Count/);
    expect(byTitle("API latency (p50, p99)")).toMatch(/Latency.*p50.*Latency.*p99/);
    expect(byTitle("Router executions: started, failed, timed out")).toMatch(
      /ExecutionsStarted.*ExecutionsFailed.*ExecutionsTimedOut/,
    );
    expect(byTitle("Queue depth (visible messages)")).toContain("IngestQueue");
    expect(byTitle("Age of the oldest message (s)")).toContain("ApproximateAgeOfOldestMessage");
    expect(byTitle("Dead-letter queue depth")).toContain("StreamCountFailures");
    const functions = ofType("AWS::Lambda::Function").length;
    for (const title of ["Function errors", "Function duration p99 (ms)"]) {
      const metrics = widgets.find((w) => w.properties.title === title)?.properties.metrics ?? [];
      expect(metrics).toHaveLength(functions);
    }
  });
});
