/**
 * The one middy stack every function runs (Powertools for AWS Lambda): an X-Ray subsegment per
 * invocation (responses are not recorded: they may hold decision payloads), structured JSON logs
 * with the request id, cold start and the decision / review / experiment ids, and the invocation's
 * metrics published as one EMF line.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import type { Context } from "aws-lambda";
import { count, logger, METRIC, metrics, tracer } from "../../adapters/observability";
import { correlate, correlationKeys } from "./correlation";

export interface EdgeOptions<E> {
  /** Where the event carries its ids (default: the event itself, one level deep). */
  readonly correlation?: (event: E) => unknown;
}

/**
 * Publishes what the invocation recorded, and a ColdStart metric once per environment. Not
 * Powertools' logMetrics: that one logs a warning on every invocation that recorded nothing.
 */
function publishMetrics(): MiddlewareObj {
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    else {
      metrics.clearDimensions();
      metrics.clearMetadata();
    }
  };
  return {
    before: (request) => {
      metrics.captureColdStartMetric((request.context as Context).functionName);
    },
    after: publish,
    onError: publish,
  };
}

function correlationOf<E>(options: EdgeOptions<E>): MiddlewareObj<E> {
  return {
    before: (request) => correlate(correlationKeys(options.correlation?.(request.event) ?? request.event)),
    onError: (request) => {
      logger.error("invocation failed", { error: request.error });
      count(METRIC.errors);
    },
  };
}

export function edge<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  options: EdgeOptions<E> = {},
): middy.MiddyfiedHandler<E, R> {
  return middy<E, R>(handler)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .use(correlationOf(options));
}
