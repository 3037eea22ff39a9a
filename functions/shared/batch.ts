import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { count, logger, METRIC } from "../../adapters/observability";
import { edge } from "./edge";

export interface SqsRecordsOptions {
  /** Records are handled one at a time unless this is set (default false). */
  readonly inParallel?: boolean;
}

/**
 * An SQS-fed function under the edge stack whose messages succeed or fail one by one (Powertools'
 * batch utility): a message whose handler throws is reported in `batchItemFailures`, logged and
 * counted, so SQS retries just it (the event source mapping needs `reportBatchItemFailures`). A
 * batch where every message failed is answered the same way, not thrown.
 */
export function sqsRecords(
  handle: (record: SQSRecord) => Promise<void>,
  options: SqsRecordsOptions = {},
): ReturnType<typeof edge<SQSEvent, SQSBatchResponse>> {
  const processor = new BatchProcessor(EventType.SQS);
  const record = async (message: SQSRecord): Promise<void> => {
    try {
      await handle(message);
    } catch (error) {
      logger.error("message failed; SQS will deliver it again", { messageId: message.messageId, error });
      count(METRIC.errors);
      throw error;
    }
  };
  return edge(
    (event: SQSEvent, context: Context) =>
      processPartialResponse(event, record, processor, {
        context,
        processInParallel: options.inParallel ?? false,
        throwOnFullBatchFailure: false,
      }),
    // Correlation keys differ per message; each failure line names its message instead.
    { correlation: () => undefined },
  );
}
