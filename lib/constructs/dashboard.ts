import { Duration, Stack } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct, type IConstruct } from "constructs";
import { METRICS_NAMESPACE } from "./hitl-function";

export interface DashboardProps {
  /** The stack holding the queues: every queue in it is shown, its dead-letter queues apart. */
  readonly queues: IConstruct;
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** The stack (or construct) holding the functions: every function in it is shown. */
  readonly functions: IConstruct;
  readonly stateMachines: readonly sfn.StateMachine[];
  readonly api: apigw.HttpApi;
}

const WIDTH = 6;
const HEIGHT = 6;
const minute = Duration.minutes(1);

/** The name an operator knows a construct by: its parent's id (`IngestQueue`, `RouteDecision`). */
const labelOf = (c: IConstruct): string => c.node.scope?.node.id ?? c.node.id;

/** The application's own metrics (Powertools Metrics, EMF) summed per minute, one line per dimension set. */
function appMetric(name: string, dimensions: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${dimensions}} MetricName="${name}"', 'Sum', 60)`,
    label: "",
    period: minute,
  });
}

/**
 * The operator's dashboard (README "Operating it"): what the app does (routed and held decisions,
 * verdicts, by experiment), its front door (API requests, 4xx/5xx, latency), its workflows
 * (executions started, failed, timed out), its queues (depth and age, dead-letter depth) and its
 * functions (errors, duration). Queues and functions are found in the given scopes, so a new one
 * appears without touching this file.
 */
export class Dashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const deadLetters = new Set(props.deadLetterQueues);
    const queues = props.queues.node
      .findAll()
      .filter((c): c is sqs.Queue => c instanceof sqs.Queue && !deadLetters.has(c));
    const functions = props.functions.node
      .findAll()
      .filter((c): c is lambda.Function => c instanceof lambda.Function);
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT, period: minute });

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      graph("Routed decisions per minute, by experiment", [
        appMetric("DecisionsRouted", "experimentId,service"),
      ]),
      graph("Held decisions and verdicts per minute, by experiment", [
        appMetric("DecisionsHeld", "experimentId,service"),
        appMetric("Verdicts", "experimentId,service"),
      ]),
      graph(
        "API requests, 4xx and 5xx",
        [props.api.metricClientError({ period: minute }), props.api.metricServerError({ period: minute })],
        [props.api.metricCount({ period: minute })],
      ),
      graph("API latency (p50, p99)", [
        props.api.metricLatency({ statistic: "p50", period: minute }),
        props.api.metricLatency({ statistic: "p99", period: minute }),
      ]),
    );
    this.dashboard.addWidgets(
      ...props.stateMachines.map((machine) =>
        graph(`${labelOf(machine)} executions: started, failed, timed out`, [
          machine.metricStarted({ period: minute }),
          machine.metricFailed({ period: minute }),
          machine.metricTimedOut({ period: minute }),
        ]),
      ),
      graph("Dead-lettered messages and handled errors per minute", [
        appMetric("DeadLettered", "service"),
        appMetric("Errors", "service"),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        "Queue depth (visible messages)",
        queues.map((q) =>
          q.metricApproximateNumberOfMessagesVisible({
            statistic: "Maximum",
            period: minute,
            label: labelOf(q),
          }),
        ),
      ),
      graph(
        "Age of the oldest message (s)",
        queues.map((q) =>
          q.metricApproximateAgeOfOldestMessage({ statistic: "Maximum", period: minute, label: labelOf(q) }),
        ),
      ),
      graph(
        "Dead-letter queue depth",
        props.deadLetterQueues.map((q) =>
          q.metricApproximateNumberOfMessagesVisible({
            statistic: "Maximum",
            period: minute,
            label: labelOf(q),
          }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        "Function errors",
        functions.map((f) => f.metricErrors({ statistic: "Sum", period: minute, label: labelOf(f) })),
      ),
      graph(
        "Function duration p99 (ms)",
        functions.map((f) => f.metricDuration({ statistic: "p99", period: minute, label: labelOf(f) })),
      ),
      graph(
        "Function throttles",
        functions.map((f) => f.metricThrottles({ statistic: "Sum", period: minute, label: labelOf(f) })),
      ),
    );
  }
}
