import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { expect } from "vitest";
import { call, cloud, createExperiment, eventually, nameOf, snapshot, sqs, uid } from "./support";

/** Shared set-up of the bad-input suites: what a refused request could have touched, and how to look. */

export interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

/** A decision body for `experimentId` that the API accepts, with `extra` merged over it. */
export function decision(experimentId: string, extra: Record<string, unknown> = {}) {
  return {
    experimentId,
    unitId: uid("unit"),
    decisionId: uid("d"),
    item: { topic: "billing", amount: 120 },
    prediction: { label: "approve", confidence: 0.99, modelVersion: "m-1" },
    ...extra,
  };
}

/** A value nested `levels` maps deep under `a`, holding "x" at the bottom. */
export function nested(levels: number): unknown {
  let value: unknown = "x";
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** An item held for a person and claimed by `token`'s reviewer, plus an automated, settled decision. */
export async function bench() {
  const queue = uid("bad-input");
  const experimentId = await createExperiment({}, queue);
  const token = cloud.identities.r9 ?? cloud.tokens.reviewer;
  const held = await call<{ reviewId: string; route: string }>("POST", "/v1/decisions", {
    role: "producer",
    body: decision(experimentId, { item: { topic: "legal" } }),
  });
  expect(held.body.route).toBe("human");
  const reviewId = held.body.reviewId;
  await eventually(
    async () => {
      const claim = await call<{ review: { reviewId: string } | null }>("POST", `/v1/queues/${queue}/claim`, {
        token,
      });
      return claim.body.review?.reviewId === reviewId ? true : undefined;
    },
    30_000,
    "the held item to be claimed",
  );
  const automated = decision(experimentId);
  const auto = await call<{ route: string }>("POST", "/v1/decisions", { role: "producer", body: automated });
  expect(auto.body.route).toBe("auto");
  return { experimentId, queue, token, reviewId, settledId: automated.decisionId };
}

/**
 * Decides the bench's claimed item and waits until its decision settles, so no lease runs out
 * (and changes the tables) while a later suite compares snapshots.
 */
export async function finish(world: Awaited<ReturnType<typeof bench>>): Promise<void> {
  const answer = await call("POST", `/v1/reviews/${world.reviewId}/verdict`, {
    token: world.token,
    body: { label: "approve" },
  });
  expect(answer.status).toBe(200);
  await eventually(
    async () => {
      const review = await call<{ review: { status: string } | null }>(
        "GET",
        `/v1/reviews/${world.reviewId}`,
        {
          role: "reviewer",
        },
      );
      return review.body.review?.status === "decided" ? true : undefined;
    },
    30_000,
    "the bench's review to settle",
  );
}

/** Every table and queue, as `snapshot()` has them, without one queue's dead-letter count. */
export async function tablesAndQueues(except?: string): Promise<Record<string, unknown>> {
  const state = await snapshot();
  if (except) delete state[except];
  return state;
}

/** Sends a raw body to a queue the app consumes. */
export async function sendTo(queue: "IngestQueue" | "ReviewIntakeQueue", body: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: nameOf(`${queue}/Queue`), MessageBody: body }));
}

/** Waits for `body` on the queue's dead-letter queue and answers its error attributes. */
export async function deadLettered(queue: "IngestQueue" | "ReviewIntakeQueue", body: string) {
  return eventually(
    async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: nameOf(`${queue}/Dlq`),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 0,
          MessageAttributeNames: ["All"],
        }),
      );
      const found = (Messages ?? []).find((m) => m.Body === body);
      return found
        ? {
            code: found.MessageAttributes?.errorCode?.StringValue,
            message: found.MessageAttributes?.errorMessage?.StringValue ?? "",
          }
        : undefined;
    },
    30_000,
    `the message on ${queue}'s dead-letter queue`,
  );
}
