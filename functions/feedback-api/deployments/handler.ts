import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { documentClient, requireEnv } from "../../../adapters/dynamodb/client";
import { DynamoFeedbackStore } from "../../../adapters/dynamodb/feedback-store";
import { DynamoModelVersions } from "../../../adapters/dynamodb/model-versions";
import { logger } from "../../../adapters/observability";
import { type ConfirmDeps, confirmDeployment, readSighting } from "../../../core/feedback/deployment";
import type { DeploymentSighting } from "../../../core/feedback/ports";
import { edge } from "../../shared/edge";

/**
 * Sightings from the routing path (a decision arrived with a model version awaiting deployment
 * confirmation): confirm each version once per batch, at its earliest sighting. A malformed message
 * or a failed confirmation is a failed batch item (retried, then dead-lettered).
 */
export async function processSightings(event: SQSEvent, confirm: ConfirmDeps): Promise<SQSBatchResponse> {
  const failures: string[] = [];
  const byVersion = new Map<string, { sighting: DeploymentSighting; messageIds: string[] }>();
  for (const record of event.Records) {
    const read = readSighting(record.body);
    if (!("sighting" in read)) {
      // Retried, then moved to the dead-letter queue by its redrive policy; the line says why.
      logger.warn("malformed sighting", { messageId: record.messageId, problem: read.problem });
      failures.push(record.messageId);
      continue;
    }
    const { sighting } = read;
    const known = byVersion.get(sighting.modelVersion);
    if (!known) byVersion.set(sighting.modelVersion, { sighting, messageIds: [record.messageId] });
    else {
      known.messageIds.push(record.messageId);
      if (sighting.at < known.sighting.at) known.sighting = sighting;
    }
  }
  for (const { sighting, messageIds } of byVersion.values()) {
    try {
      const { confirmed } = await confirmDeployment(confirm, sighting);
      if (confirmed.length > 0)
        logger.info("deployment confirmed", {
          modelVersion: sighting.modelVersion,
          confirmed: confirmed.length,
        });
    } catch (error) {
      logger.error("deployment confirmation failed", { modelVersion: sighting.modelVersion, error });
      failures.push(...messageIds);
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

let confirm: ConfirmDeps | undefined;

export const handler = edge(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  confirm ??= {
    feed: new DynamoFeedbackStore(documentClient(), requireEnv("DECISIONS_TABLE")),
    registry: new DynamoModelVersions(documentClient(), requireEnv("DECISIONS_TABLE")),
  };
  return processSightings(event, confirm);
});
