import { documentClient } from "../../adapters/dynamodb/client";
import { DynamoModelVersions } from "../../adapters/dynamodb/model-versions";
import { logger } from "../../adapters/observability";
import { sqsClient } from "../../adapters/sqs/client";
import { SqsDeploymentSignal } from "../../adapters/sqs/deployment-sightings";
import { DeploymentWatch } from "../../core/feedback/deployment";

/**
 * The routing function's deployment watch (its `modelVersions` dependency), or undefined where the
 * confirmation queue is not wired (DEPLOYMENT_SIGHTINGS_QUEUE_URL unset): routing then skips it.
 */
export function deploymentWatchFromEnv(): DeploymentWatch | undefined {
  const queueUrl = process.env.DEPLOYMENT_SIGHTINGS_QUEUE_URL;
  const table = process.env.DECISIONS_TABLE;
  if (!queueUrl || !table) return undefined;
  return new DeploymentWatch({
    registry: new DynamoModelVersions(documentClient(), table),
    signal: new SqsDeploymentSignal(sqsClient(), queueUrl),
    now: () => new Date(),
    onError: (error) => logger.warn("deployment watch failed; routing goes on", { error }),
  });
}
