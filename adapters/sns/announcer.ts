import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { Announcer, ArmPausedNotice } from "../../core/guardrails";
import { requireEnv } from "../dynamodb/client";
import { logger } from "../observability";
import { snsClient } from "./client";

/** SNS subjects are at most 100 characters. */
const subject = (n: ArmPausedNotice) =>
  `hitl guardrail: arm ${n.arm} of ${n.experimentId} paused`.slice(0, 100);

/** Publishes each pause to the guardrail topic; subscribers filter on the `type` attribute. */
export class SnsAnnouncer implements Announcer {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async armPaused(notice: ArmPausedNotice): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject(notice),
        Message: JSON.stringify(notice),
        MessageAttributes: {
          type: { DataType: "String", StringValue: notice.type },
          experimentId: { DataType: "String", StringValue: notice.experimentId },
        },
      }),
    );
  }
}

/**
 * Where SNS is not reachable (the local cloud emulates no SNS): one structured log line per pause,
 * saying that nothing was delivered. The audit trail's `arm-paused` entry is the durable record.
 */
export class LogAnnouncer implements Announcer {
  async armPaused(notice: ArmPausedNotice): Promise<void> {
    logger.info("arm paused (announcement not delivered)", {
      announcement: "arm-paused",
      delivered: false,
      why: "no SNS endpoint: other services point at local stand-ins (AWS_ENDPOINT_URL_*) but SNS does not",
      ...notice,
    });
  }
}

/**
 * SNS unless the function runs against local stand-ins (an AWS_ENDPOINT_URL_DYNAMODB) without an SNS
 * one (AWS_ENDPOINT_URL_SNS): publishing there would go to real AWS with local credentials.
 */
export function snsReachable(env: NodeJS.ProcessEnv): boolean {
  return !env.AWS_ENDPOINT_URL_DYNAMODB || Boolean(env.AWS_ENDPOINT_URL_SNS);
}

/** The guardrail run's announcer: the topic in GUARDRAIL_TOPIC_ARN, or log lines where SNS is not reachable. */
export function guardrailAnnouncer(env: NodeJS.ProcessEnv = process.env): Announcer {
  return snsReachable(env)
    ? new SnsAnnouncer(snsClient(), requireEnv("GUARDRAIL_TOPIC_ARN"))
    : new LogAnnouncer();
}
