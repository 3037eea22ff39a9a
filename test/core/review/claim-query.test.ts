import { describe, expect, it } from "vitest";
import { claimFilter } from "../../../core/review/claim-query";
import { experiment } from "../../support/experiments";
import { MemoryExperiments } from "../../support/memory";

async function experiments() {
  const store = new MemoryExperiments();
  await store.save(experiment({ id: "claims-triage" }));
  return store;
}

describe("the claim route's experiment filter", () => {
  it("keeps a claim to a known experiment, or to none when not asked", async () => {
    const store = await experiments();

    expect(await claimFilter(store, { experimentId: "claims-triage" })).toEqual({
      experimentId: "claims-triage",
    });
    expect(await claimFilter(store, {})).toEqual({});
  });

  it("refuses a malformed experiment id with 400, naming the parameter", async () => {
    const filtering = claimFilter(await experiments(), { experimentId: "claims triage!" });

    await expect(filtering).rejects.toMatchObject({ status: 400, code: "validation_failed" });
    await expect(filtering).rejects.toThrow(/experimentId: experiment id may hold letters, digits/);
  });

  it("refuses a query parameter it does not know with 400, naming it", async () => {
    const filtering = claimFilter(await experiments(), { experiment: "claims-triage" });

    await expect(filtering).rejects.toMatchObject({ status: 400, code: "validation_failed" });
    await expect(filtering).rejects.toThrow("experiment: is not a known field (known fields: experimentId)");
  });

  it("answers 404 for an experiment that does not exist", async () => {
    const filtering = claimFilter(await experiments(), { experimentId: "no-such-experiment" });

    await expect(filtering).rejects.toMatchObject({
      status: 404,
      message: 'experiment "no-such-experiment" does not exist',
    });
  });
});
