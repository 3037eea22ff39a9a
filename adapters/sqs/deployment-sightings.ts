import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DeploymentSighting, DeploymentSignal } from "../../core/feedback/ports";

/** Sightings of model versions awaiting deployment confirmation, for the confirmation function. */
export class SqsDeploymentSignal implements DeploymentSignal {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sighted(sighting: DeploymentSighting): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(sighting) }),
    );
  }
}
