export {
  type LambdaStreamRecord,
  type OnFailureRecord,
  onFailureRecord,
  type StreamInvokeEvent,
  streamEvent,
  toLambdaRecord,
  windowOf,
} from "./dynamodb-stream-event";
export {
  type DynamoDbStreamPoller,
  type DynamoDbStreamPollerOptions,
  startDynamoDbStreamPoller,
} from "./dynamodb-stream-poller";
export { compileFilters, compilePattern, PatternError } from "./event-pattern";
export {
  eventSourceMappings,
  type SkippedMapping,
  type SqsMappingSpec,
  type StreamMappingSpec,
  sqsMappingSpecs,
  streamMappingNotes,
} from "./from-template";
export { succeededIds, toEvent, toRecord } from "./sqs-event";
export { type SqsPoller, type SqsPollerOptions, startSqsPoller } from "./sqs-poller";
export {
  type CheckpointStore,
  fileCheckpoints,
  memoryCheckpoints,
  type StreamCheckpoint,
} from "./stream-checkpoints";
export { sqsDestination } from "./stream-destinations";
export { type StreamPollersDeps, startStreamPollers } from "./stream-mappings";
