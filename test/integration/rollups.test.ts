import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { rollupPk } from "../../adapters/dynamodb/metrics-keys";
import { hourAt, lastSealedDay } from "../../core/metrics/rollup";
import type { ExperimentReport } from "../../core/report";
import { counterItems, putItems } from "../support/counter-items";
import { call, createExperiment, dynamodb, nameOf } from "./support";

interface Invocation {
  ok: boolean;
  result?: { rolledUp: { experiments: number; rollups: number }; errors: unknown[] };
  error?: string;
}

const db = DynamoDBDocumentClient.from(dynamodb);

/** Runs the scheduled guardrail function now, for these experiments only. */
async function runGuardrailSchedule(experimentIds: string[]): Promise<Invocation[]> {
  const response = await fetch(new URL("/run", inject("schedulesUrl")), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ match: "Guardrails", input: { experimentIds } }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { invocations: Invocation[] }).invocations;
}

const report = async (id: string) =>
  (await call<ExperimentReport>("GET", `/v1/experiments/${id}/report`, { role: "analyst" })).body;

/** What may differ between two experiments' reports with the same counters. */
const comparable = ({ experimentId: _e, generatedAt: _g, ...rest }: ExperimentReport) => rest;

describe("daily roll-ups on the local cloud", () => {
  const now = new Date();
  let rolled: string;
  let hourlyOnly: string;

  beforeAll(async () => {
    // Arrange: two draft experiments with the same 20 days of hourly counters, written as the
    // metrics counter would have written them. Drafts are rolled up by the guardrail run, never paused.
    rolled = await createExperiment({ status: "draft" });
    hourlyOnly = await createExperiment({ status: "draft" });
    const shape = {
      lastHour: hourAt(now.getTime()),
      days: 20,
      shards: 4,
      arms: [{ id: "conservative" }, { id: "aggressive", fromDay: 3 }],
      seed: 11,
    };
    const table = nameOf("MetricsTable");
    await putItems(db, table, counterItems({ ...shape, experimentId: rolled }));
    await putItems(db, table, counterItems({ ...shape, experimentId: hourlyOnly }));
  }, 180_000);

  it("the scheduled guardrail run rolls up every sealed day, and the report API answers exactly as from the hours", async () => {
    // Act
    const [invocation] = await runGuardrailSchedule([rolled]);
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: nameOf("MetricsTable"),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": rollupPk(rolled) },
      }),
    );
    const [fromRollups, fromHours] = await Promise.all([report(rolled), report(hourlyOnly)]);

    // Assert
    expect(invocation?.ok).toBe(true);
    expect(invocation?.result?.errors).toEqual([]);
    expect(invocation?.result?.rolledUp.experiments).toBe(1);
    expect(invocation?.result?.rolledUp.rollups).toBeGreaterThan(10);
    expect(Items.find((i) => i.sk === "WATERMARK")?.through).toBe(lastSealedDay(now));
    expect(Items.length).toBe((invocation?.result?.rolledUp.rollups ?? 0) + 1);
    expect(fromRollups.arms.reduce((s, a) => s + a.decisions, 0)).toBeGreaterThan(0);
    expect(comparable(fromRollups)).toStrictEqual(comparable(fromHours));
  });

  it("a second run the same day finds nothing newly sealed", async () => {
    // Act
    const [invocation] = await runGuardrailSchedule([rolled]);

    // Assert
    expect(invocation?.result?.rolledUp).toEqual({ experiments: 0, rollups: 0 });
  });
});
