export { type SkippedMapping, type SqsMappingSpec, sqsMappingSpecs } from "./from-template";
export { succeededIds, toEvent, toRecord } from "./sqs-event";
export { type SqsPoller, type SqsPollerOptions, startSqsPoller } from "./sqs-poller";
