import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { resourcesOf } from "./load";
import type { TemplateResolver } from "./resolve";
import { type CloudAssembly, isRecord, type ResourceRef } from "./types";

export interface ProvisionedQueue {
  readonly ref: ResourceRef;
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly deadLetterTargetArn?: string;
}

/** Template properties the SQS API takes as attributes; KMS/SSE settings are left out locally. */
const ATTRIBUTES = [
  "VisibilityTimeout",
  "MessageRetentionPeriod",
  "ReceiveMessageWaitTimeSeconds",
  "DelaySeconds",
  "MaximumMessageSize",
  "ContentBasedDeduplication",
  "DeduplicationScope",
  "FifoThroughputLimit",
];

export function queueAttributes(resolver: TemplateResolver, ref: ResourceRef): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of ATTRIBUTES) {
    const value = resolver.property(ref, name);
    if (value !== undefined) attributes[name] = String(value);
  }
  const redrive = resolver.property(ref, "RedrivePolicy");
  if (redrive !== undefined)
    attributes.RedrivePolicy = typeof redrive === "string" ? redrive : JSON.stringify(redrive);
  const fifo = resolver.property(ref, "FifoQueue");
  if (fifo === true || fifo === "true") attributes.FifoQueue = "true";
  return attributes;
}

function deadLetterTarget(attributes: Record<string, string>): string | undefined {
  if (!attributes.RedrivePolicy) return undefined;
  const policy: unknown = JSON.parse(attributes.RedrivePolicy);
  return isRecord(policy) && typeof policy.deadLetterTargetArn === "string"
    ? policy.deadLetterTargetArn
    : undefined;
}

function withRedriveTarget(attributes: Record<string, string>, arn: string): Record<string, string> {
  const policy: unknown = JSON.parse(attributes.RedrivePolicy ?? "{}");
  return {
    ...attributes,
    RedrivePolicy: JSON.stringify({ ...(isRecord(policy) ? policy : {}), deadLetterTargetArn: arn }),
  };
}

async function existingUrl(client: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (
      error instanceof QueueDoesNotExist ||
      (error instanceof Error && /NonExistentQueue|does not exist/i.test(error.name + error.message))
    ) {
      return undefined;
    }
    throw error;
  }
}

async function ensureQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  const url = await existingUrl(client, name);
  if (url === undefined) {
    const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!created.QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    return created.QueueUrl;
  }
  // A second start keeps the messages and brings the settings up to date with the template.
  const { FifoQueue: _fifo, ...changeable } = attributes;
  if (Object.keys(changeable).length) {
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: changeable }));
  }
  return url;
}

/**
 * Creates every queue of the templates, dead-letter queues before the queues that point at them,
 * and tells the resolver the real URLs and ARNs.
 */
export async function provisionQueues(
  resolver: TemplateResolver,
  assembly: CloudAssembly,
  client: SQSClient,
): Promise<ProvisionedQueue[]> {
  const pending = resourcesOf(assembly, "AWS::SQS::Queue")
    .filter((ref) => resolver.isActive(ref))
    .map((ref) => {
      const attributes = queueAttributes(resolver, ref);
      const arn = String(resolver.getAtt(ref.stack, ref.logicalId, "Arn"));
      return { ref, attributes, arn, target: deadLetterTarget(attributes) };
    });
  const known = new Set(pending.map((queue) => queue.arn));
  const done = new Map<string, ProvisionedQueue>();
  while (done.size < pending.length) {
    const ready = pending.filter(
      (queue) =>
        !done.has(queue.arn) && (!queue.target || !known.has(queue.target) || done.has(queue.target)),
    );
    if (ready.length === 0) throw new Error("the queues' dead-letter targets form a cycle");
    await Promise.all(
      ready.map(async (queue) => {
        const name = resolver.physicalName(queue.ref.stack, queue.ref.logicalId);
        // The target's ARN as the service made it: an external SQS (moto) has its own account id.
        const target = queue.target ? (done.get(queue.target)?.arn ?? queue.target) : undefined;
        const attributes = target ? withRedriveTarget(queue.attributes, target) : queue.attributes;
        const url = await ensureQueue(client, name, attributes);
        const attrs = await client.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
        );
        const arn = attrs.Attributes?.QueueArn ?? queue.arn;
        resolver.override(queue.ref.stack, queue.ref.logicalId, {
          ref: url,
          attrs: { QueueUrl: url, Arn: arn },
        });
        done.set(queue.arn, { ref: queue.ref, name, url, arn, deadLetterTargetArn: target });
      }),
    );
  }
  return [...done.values()];
}
