/**
 * Powertools for AWS Lambda, one instance of each per process: structured JSON logs, X-Ray traces
 * and CloudWatch metrics in EMF. Service name, log level and metrics namespace come from the
 * function's environment (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE,
 * set by lib/constructs/hitl-function.ts). functions/shared/edge.ts wires them around every handler.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

export const logger = new Logger();
export const tracer = new Tracer();
export const metrics = new Metrics();

/** The application's metric names (docs: README "Operating it"). */
export const METRIC = {
  decisionsRouted: "DecisionsRouted",
  decisionsHeld: "DecisionsHeld",
  verdicts: "Verdicts",
  errors: "Errors",
  deadLettered: "DeadLettered",
} as const;

/** Adds 1 to a count metric of this invocation (published when the invocation ends). */
export function count(name: (typeof METRIC)[keyof typeof METRIC], value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** An SDK v3 client whose calls become subsegments of the invocation's trace (as is where tracing is off). */
export function traced<C>(client: C): C {
  return tracer.captureAWSv3Client(client);
}

/** Splits this invocation's metrics by experiment (a handful run at once: the cardinality stays low). */
export function perExperiment(experimentId: string): void {
  metrics.addDimension("experimentId", experimentId);
}
