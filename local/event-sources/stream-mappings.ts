// Starts one DynamoDB stream poller per stream mapping of the templates, with its on-failure queue
// and checkpoint file, and says in summary rows what runs and what does not.
import * as path from "node:path";
import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SummaryRow } from "../template/summary";
import { type DynamoDbStreamPoller, startDynamoDbStreamPoller } from "./dynamodb-stream-poller";
import { type StreamMappingSpec, streamMappingNotes } from "./from-template";
import { fileCheckpoints, memoryCheckpoints } from "./stream-checkpoints";
import { sqsDestination } from "./stream-destinations";

export interface StreamPollersDeps {
  readonly mappings: readonly StreamMappingSpec[];
  readonly streams: DynamoDBStreamsClient;
  /** The provisioned tables; `streamArn` is what the mappings' EventSourceArn resolved to. */
  readonly tables: readonly { readonly name: string; readonly streamArn?: string }[];
  readonly queues: readonly { readonly arn: string; readonly url: string; readonly name: string }[];
  readonly sqs: SQSClient;
  readonly functions: {
    has(name: string): boolean;
    invoke(name: string, event: unknown): Promise<unknown>;
    arnOf(name: string): string;
  };
  readonly region: string;
  /** Where each mapping's checkpoint file goes; undefined: checkpoints live in memory. */
  readonly checkpointDir?: string;
  readonly log: (line: string) => void;
}

const TYPE = "AWS::Lambda::EventSourceMapping";

export function startStreamPollers(deps: StreamPollersDeps): {
  pollers: DynamoDbStreamPoller[];
  rows: SummaryRow[];
} {
  const pollers: DynamoDbStreamPoller[] = [];
  const rows: SummaryRow[] = [];
  for (const mapping of deps.mappings) {
    const table = deps.tables.find((candidate) => candidate.streamArn === mapping.streamArn);
    const describe = `${table?.name ?? mapping.streamArn} stream → ${mapping.functionName}`;
    const why = !table
      ? "stream not in the templates"
      : !mapping.enabled
        ? "disabled"
        : !deps.functions.has(mapping.functionName)
          ? "function not runnable"
          : undefined;
    if (why) {
      rows.push({ type: TYPE, logicalId: mapping.ref.logicalId, local: `${describe} (${why})` });
      continue;
    }
    const notes = streamMappingNotes(mapping);
    const queue = deps.queues.find((candidate) => candidate.arn === mapping.onFailureArn);
    if (mapping.onFailureArn && !queue) {
      notes.push(`on-failure destination ${mapping.onFailureArn} not emulated: failures are only logged`);
    }
    const file = `${mapping.ref.stack.stackName}.${mapping.ref.logicalId}.json`;
    pollers.push(
      startDynamoDbStreamPoller({
        streams: deps.streams,
        streamArn: mapping.streamArn,
        region: deps.region,
        functionArn: deps.functions.arnOf(mapping.functionName),
        startingPosition: mapping.startingPosition,
        batchSize: mapping.batchSize,
        batchingWindowSeconds: mapping.batchingWindowSeconds,
        tumblingWindowSeconds: mapping.tumblingWindowSeconds,
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        maximumRecordAgeSeconds: mapping.maximumRecordAgeSeconds,
        filterPatterns: mapping.filterPatterns,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        invoke: (event) => deps.functions.invoke(mapping.functionName, event),
        ...(queue ? { onFailure: sqsDestination(deps.sqs, queue.url) } : {}),
        checkpoints: deps.checkpointDir
          ? fileCheckpoints(path.join(deps.checkpointDir, file))
          : memoryCheckpoints(),
        label: describe,
        log: deps.log,
      }),
    );
    const settings = [
      `batch ${mapping.batchSize}`,
      ...(mapping.tumblingWindowSeconds > 0 ? [`window ${mapping.tumblingWindowSeconds} s`] : []),
      ...(mapping.filterPatterns.length > 0 ? [`${mapping.filterPatterns.length} filter(s)`] : []),
      ...(queue ? [`on failure → ${queue.name}`] : []),
      ...notes,
    ];
    rows.push({
      type: TYPE,
      logicalId: mapping.ref.logicalId,
      local: `${describe} (${settings.join("; ")})`,
    });
  }
  return { pollers, rows };
}
