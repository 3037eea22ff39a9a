import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { call, cloud, createExperiment, eventually, nameOf, settledSnapshot, sqs, uid } from "./support";

interface Handoff {
  review: {
    reviewId: string;
    decisionId: string;
    status: string;
    queue: string;
    tier: string;
    reasons: string[];
  } | null;
}

/** Routes a decision to a person and waits until its review item is stored and claimable. */
async function holdOne(experimentId: string, extra: Record<string, unknown> = {}) {
  const decisionId = uid("d");
  const answer = await call<{ reviewId: string; route: string }>("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId,
      unitId: uid("unit"),
      decisionId,
      item: { topic: "legal" },
      prediction: { label: "approve", confidence: 0.9, modelVersion: "m-9" },
      ...extra,
    },
  });
  expect(answer.body.route).toBe("human");
  await eventually(
    async () => {
      const r = await call<Handoff>("GET", `/v1/reviews/${answer.body.reviewId}`, { role: "reviewer" });
      return r.status === 200 && r.body.review?.status === "pending" ? true : undefined;
    },
    20_000,
    "the held item to reach its queue",
  );
  return { decisionId, reviewId: answer.body.reviewId };
}

/** Reads messages from a queue until one satisfies `match`. */
async function findMessage(queue: string, match: (body: Record<string, unknown>) => boolean) {
  return eventually(
    async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: nameOf(queue),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 0,
        }),
      );
      return (Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as Record<string, unknown>).find(match);
    },
    20_000,
    `a message on ${queue}`,
  );
}

describe("human review on the local cloud", () => {
  it("resumes the held workflow with a verdict: final outcome, outcome message and feedback for the model", async () => {
    // Arrange
    const queue = uid("verdicts");
    const experimentId = await createExperiment({}, queue);
    const { decisionId, reviewId } = await holdOne(experimentId);

    // Act
    const claim = await call<Handoff>("POST", `/v1/queues/${queue}/claim`, { token: cloud.identities.r1 });
    const verdict = await call("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.r1,
      body: { label: "deny", notes: "signature missing", handlingSeconds: 95 },
    });

    // Assert
    expect(claim.body.review?.reviewId).toBe(reviewId);
    expect(verdict).toMatchObject({ status: 200, body: { status: "recorded", verdict: { label: "deny" } } });
    const decided = await eventually(
      async () => {
        const d = await call<{ status: string; outcome?: string }>("GET", `/v1/decisions/${decisionId}`, {
          role: "analyst",
        });
        return d.body.status === "decided" ? d.body : undefined;
      },
      20_000,
      "the decision to be decided",
    );
    expect(decided).toMatchObject({ outcome: "deny", outcomeSource: "reviewer" });
    expect(await findMessage("OutcomesQueue/Queue", (m) => m.decisionId === decisionId)).toMatchObject({
      type: "decision.outcome",
      outcome: "deny",
      source: "reviewer",
    });
    expect(await findMessage("FeedbackQueue/Queue", (m) => m.decisionId === decisionId)).toMatchObject({
      humanLabel: "deny",
      prediction: { label: "approve", modelVersion: "m-9" },
      reviewers: ["reviewer-1"],
    });
    const audit = await call<{ entries: { action: string }[] }>("GET", `/v1/decisions/${decisionId}/audit`, {
      role: "analyst",
    });
    expect(audit.body.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(["created", "routed", "enqueued", "claimed", "verdict", "outcome", "feedback"]),
    );
  });

  it("escalates through every SLA tier on real timeouts and takes the fallback after the last", async () => {
    // Arrange
    const policy = {
      autoAcceptAbove: 0.95,
      alwaysHumanTopics: ["legal"],
      sla: {
        tiers: [
          { name: "tier-1", slaSeconds: 2 },
          { name: "tier-2", slaSeconds: 2 },
        ],
        fallback: { action: "label", label: "deny" },
        heartbeatSeconds: 10,
      },
    };
    const experimentId = await createExperiment({ arms: [{ id: "conservative", weight: 1, policy }] });

    // Act
    const { decisionId, reviewId } = await holdOne(experimentId);
    const settled = await eventually(
      async () => {
        const d = await call<{ status: string; outcome?: string }>("GET", `/v1/decisions/${decisionId}`, {
          role: "analyst",
        });
        return d.body.status === "fallback" ? d.body : undefined;
      },
      // Two 2 s tiers, but each step cold-starts functions: on a loaded 2-core machine (the unit
      // project runs beside this suite) that took more than 30 s.
      90_000,
      "the fallback",
    );

    // Assert
    expect(settled).toMatchObject({ outcome: "deny", outcomeSource: "fallback" });
    const trail = await call<{ entries: { action: string; detail?: Record<string, unknown> }[] }>(
      "GET",
      `/v1/decisions/${decisionId}/audit`,
      { role: "analyst" },
    );
    const actions = trail.body.entries.map((e) => e.action);
    expect(actions.filter((a) => a === "enqueued")).toHaveLength(2);
    expect(trail.body.entries.find((e) => e.action === "escalated")?.detail).toMatchObject({
      from: "tier-1",
      to: "tier-2",
    });
    expect(actions).toContain("fallback");
    const late = await call<{ error: { code: string } }>("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.tier2,
      body: { label: "approve" },
    });
    expect(late.status).toBe(409);
  }, 120_000);

  it("never hands one item to two of sixteen reviewers claiming at once", async () => {
    // Arrange
    const experimentId = await createExperiment({
      arms: [
        { id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.95, queue: uid("race").slice(0, 40) } },
      ],
    });
    const experiment = await call<{ arms: { policy: { queue: string } }[] }>(
      "GET",
      `/v1/experiments/${experimentId}`,
      {
        role: "admin",
      },
    );
    const queue = experiment.body.arms[0]?.policy.queue ?? "";
    const held = [];
    for (let i = 0; i < 6; i++) held.push(await holdOne(experimentId, { item: { topic: "billing" } }));

    // Act
    const claims = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        call<Handoff>("POST", `/v1/queues/${queue}/claim`, { token: cloud.identities[`r${i + 1}`] }),
      ),
    );

    // Assert
    const got = claims.map((c) => c.body.review?.reviewId).filter((id): id is string => Boolean(id));
    expect(got.sort()).toEqual(held.map((h) => h.reviewId).sort());
  });

  it("refuses a verdict from a reviewer who does not hold the lease, and one with a label the item does not allow", async () => {
    // Arrange
    const queue = uid("refusals");
    const experimentId = await createExperiment({}, queue);
    const { reviewId } = await holdOne(experimentId);
    await call("POST", `/v1/queues/${queue}/claim`, { token: cloud.identities.r2 });

    // Act
    const other = await call<{ error: { code: string } }>("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.r3,
      body: { label: "deny" },
    });
    const badLabel = await call<{ error: { code: string } }>("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.r2,
      body: { label: "perhaps" },
    });
    const malformed = await call<{ error: { code: string } }>("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.r2,
      rawBody: "{label",
    });
    const unknown = await call("GET", "/v1/reviews/rv-unknown", { token: cloud.identities.r2 });

    // Assert
    expect(other).toMatchObject({ status: 403, body: { error: { code: "held_by_another" } } });
    expect(badLabel).toMatchObject({ status: 400, body: { error: { code: "label_not_allowed" } } });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: "malformed_json" } } });
    expect(unknown.status).toBe(404);
  });
});

describe("withdrawing a held decision", () => {
  it("stops its review execution and takes the item out of its queue", async () => {
    // Arrange
    const experimentId = await createExperiment({
      arms: [{ id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.95, queue: "withdrawals" } }],
    });
    const { decisionId, reviewId } = await holdOne(experimentId, { item: { topic: "billing" } });

    // Act
    const withdrawn = await call("POST", `/v1/decisions/${decisionId}/withdraw`, {
      role: "producer",
      body: { reason: "customer cancelled" },
    });
    const again = await call<{ error: { code: string } }>("POST", `/v1/decisions/${decisionId}/withdraw`, {
      role: "producer",
    });
    const claim = await call<Handoff>("POST", "/v1/queues/withdrawals/claim", { token: cloud.identities.r5 });

    // Assert
    expect(withdrawn).toMatchObject({ status: 200, body: { status: "withdrawn" } });
    expect(again).toMatchObject({ status: 409, body: { error: { code: "not_held" } } });
    expect(claim.body.review).toBeNull();
    const execution = await eventually(
      async () => {
        const response = await fetch(cloud.endpoints.stepfunctions, {
          method: "POST",
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": "AWSStepFunctions.DescribeExecution",
          },
          body: JSON.stringify({
            executionArn: `arn:aws:states:${cloud.region}:000000000000:execution:${nameOf("Review/StateMachine").split(":").pop()}:${reviewId}`,
          }),
        });
        const body = (await response.json()) as { status?: string };
        return body.status === "ABORTED" ? body : undefined;
      },
      10_000,
      "the aborted execution",
    );
    expect(execution.status).toBe("ABORTED");
  });
});

describe("queue entitlements from the token", () => {
  it("lets a reviewer claim only from the queues their token's queues claim names", async () => {
    // Act
    const entitled = await call("POST", "/v1/queues/high-value/claim", { token: cloud.identities.highValue });
    const refused = await call<{ error: { code: string } }>("POST", "/v1/queues/default/claim", {
      token: cloud.identities.highValue,
    });
    const tierTwo = await call("POST", "/v1/queues/default.tier-2/claim", { token: cloud.identities.tier2 });
    const firstTierOnly = await call("POST", "/v1/queues/default.tier-2/claim", {
      token: cloud.identities.r7,
    });

    // Assert
    expect(entitled.status).toBe(200);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: "queue_forbidden" } } });
    expect(tierTwo.status).toBe(200);
    expect(firstTierOnly.status).toBe(403);
  });
});

describe("leases", () => {
  it("returns an abandoned claim to its queue when no heartbeat comes, for another reviewer to take", async () => {
    // Arrange: a 10 s lease (the shortest heartbeat a policy may set) and a long SLA
    const queue = uid("leases");
    const policy = {
      autoAcceptAbove: 0.95,
      queue,
      sla: {
        tiers: [{ name: "tier-1", slaSeconds: 3600 }],
        fallback: { action: "model" },
        heartbeatSeconds: 10,
      },
    };
    const experimentId = await createExperiment({ arms: [{ id: "conservative", weight: 1, policy }] });
    const { reviewId } = await holdOne(experimentId, { item: { topic: "billing" } });
    const first = await call<Handoff>("POST", `/v1/queues/${queue}/claim`, { token: cloud.identities.r11 });

    // Act: reviewer 11 walks away; reviewer 12 keeps asking
    const second = await eventually(
      async () => {
        const claim = await call<Handoff>("POST", `/v1/queues/${queue}/claim`, {
          token: cloud.identities.r12,
        });
        return claim.body.review ? claim.body.review : undefined;
      },
      30_000,
      "the item back in its queue",
    );
    const late = await call<{ error: { code: string } }>("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.r11,
      body: { label: "deny" },
    });

    // Assert
    expect(first.body.review?.reviewId).toBe(reviewId);
    expect(second.reviewId).toBe(reviewId);
    expect(late.status).toBeGreaterThanOrEqual(403);
    const trail = await call<{ entries: { action: string }[] }>(
      "GET",
      `/v1/decisions/${second.decisionId}/audit`,
      {
        role: "analyst",
      },
    );
    expect(trail.body.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(["claimed", "lease-expired", "enqueued"]),
    );
    // Settle it, or its 10 s heartbeat would keep re-holding it while later suites compare snapshots.
    const settled = await call("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.r12,
      body: { label: "deny" },
    });
    expect(settled.status).toBe(200);
  });
});

describe("claiming one experiment's items, and handing items back", () => {
  it("claims only the asked experiment's items from a queue two experiments share, past the other's more urgent ones", async () => {
    // Arrange: 27 urgent items of one experiment ahead of one small item of another, in one queue
    const queue = uid("shared");
    const busy = await createExperiment({}, queue);
    const quiet = await createExperiment({}, queue);
    await Promise.all(
      Array.from({ length: 27 }, () => holdOne(busy, { item: { topic: "legal", amount: 500_000 } })),
    );
    const wanted = await holdOne(quiet, { item: { topic: "legal", amount: 1 } });

    // Act
    const filtered = await call<Handoff>("POST", `/v1/queues/${queue}/claim?experimentId=${quiet}`, {
      token: cloud.identities.r13,
    });
    const again = await call<Handoff & { message: string }>(
      "POST",
      `/v1/queues/${queue}/claim?experimentId=${quiet}`,
      { token: cloud.identities.r13 },
    );
    const unfiltered = await call<Handoff & { review: { experimentId: string } | null }>(
      "POST",
      `/v1/queues/${queue}/claim`,
      { token: cloud.identities.r14 },
    );

    // Assert
    expect(filtered.body.review?.reviewId).toBe(wanted.reviewId);
    expect(again.body).toEqual({
      review: null,
      message: `queue "${queue}" has nothing of experiment "${quiet}" to claim`,
    });
    expect(unfiltered.body.review?.experimentId).toBe(busy);
    for (const [review, token] of [
      [filtered.body.review, cloud.identities.r13],
      [unfiltered.body.review, cloud.identities.r14],
    ] as const) {
      const verdict = await call("POST", `/v1/reviews/${review?.reviewId}/verdict`, {
        token,
        body: { label: "deny" },
      });
      expect(verdict.status).toBe(200);
    }
  });

  it("refuses a malformed or unknown experiment filter on a claim with a clear error, changing nothing", async () => {
    // Arrange
    const before = await settledSnapshot();

    // Act
    const malformed = await call<{ error: { code: string; message: string } }>(
      "POST",
      "/v1/queues/default/claim?experimentId=not%20an%20id",
      { token: cloud.identities.r13 },
    );
    const unknown = await call<{ error: { code: string; message: string } }>(
      "POST",
      "/v1/queues/default/claim?experimentId=no-such-experiment",
      { token: cloud.identities.r13 },
    );
    const misspelt = await call<{ error: { code: string; message: string } }>(
      "POST",
      "/v1/queues/default/claim?experiment=x",
      { token: cloud.identities.r13 },
    );

    // Assert
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: "validation_failed" });
    expect(malformed.body.error.message).toContain("experimentId: experiment id may hold letters");
    expect(unknown).toMatchObject({
      status: 404,
      body: { error: { message: 'experiment "no-such-experiment" does not exist' } },
    });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error.message).toContain(
      "experiment: is not a known field (known fields: experimentId)",
    );
    expect(await settledSnapshot()).toEqual(before);
  });

  it("does not hand a released item straight back to the reviewer who released it while another waits", async () => {
    // Arrange
    const queue = uid("released");
    const experimentId = await createExperiment({}, queue);
    const urgent = await holdOne(experimentId, { item: { topic: "legal", amount: 400_000 } });
    const other = await holdOne(experimentId, { item: { topic: "legal", amount: 5 } });
    const first = await call<Handoff>("POST", `/v1/queues/${queue}/claim`, { token: cloud.identities.r15 });
    const released = await call("POST", `/v1/reviews/${urgent.reviewId}/release`, {
      token: cloud.identities.r15,
    });

    // Act
    const releasersNext = await call<Handoff>("POST", `/v1/queues/${queue}/claim`, {
      token: cloud.identities.r15,
    });
    const othersNext = await call<Handoff>("POST", `/v1/queues/${queue}/claim`, {
      token: cloud.identities.r16,
    });

    // Assert
    expect(first.body.review?.reviewId).toBe(urgent.reviewId);
    expect(released.status).toBe(200);
    expect(releasersNext.body.review?.reviewId).toBe(other.reviewId);
    expect(othersNext.body.review?.reviewId).toBe(urgent.reviewId);
    for (const [reviewId, token] of [
      [other.reviewId, cloud.identities.r15],
      [urgent.reviewId, cloud.identities.r16],
    ] as const) {
      const verdict = await call("POST", `/v1/reviews/${reviewId}/verdict`, {
        token,
        body: { label: "approve" },
      });
      expect(verdict.status).toBe(200);
    }
  });
});
