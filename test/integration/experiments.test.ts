import { describe, expect, it } from "vitest";
import { call, settledSnapshot, uid } from "./support";

const experiment = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  status: "draft",
  control: "a",
  arms: [
    { id: "a", weight: 0.5, policy: { autoAcceptAbove: 0.9 } },
    { id: "b", weight: 0.5, policy: { autoAcceptAbove: 0.8 } },
  ],
  ...overrides,
});

describe("experiments through the API", () => {
  it("creates, reads, lists and changes an experiment, each change a new version", async () => {
    // Arrange
    const id = uid("e");

    // Act
    const created = await call("POST", "/v1/experiments", { role: "admin", body: experiment(id) });
    const changed = await call("PUT", `/v1/experiments/${id}`, {
      role: "admin",
      body: experiment(id, { status: "running" }),
    });
    const read = await call("GET", `/v1/experiments/${id}`, { role: "analyst" });
    const list = await call<{ experiments: { id: string }[] }>("GET", "/v1/experiments", { role: "admin" });

    // Assert
    expect(created).toMatchObject({
      status: 201,
      body: { id, version: 1, hashSeed: id, coverage: 1, status: "draft" },
    });
    expect(changed).toMatchObject({ status: 200, body: { id, version: 2, status: "running" } });
    expect(read.body).toMatchObject({ version: 2, status: "running" });
    expect(list.body.experiments.map((e) => e.id)).toContain(id);
  });

  it("refuses an invalid experiment naming the field, and writes nothing", async () => {
    // Arrange
    const before = await settledSnapshot();

    // Act
    const answer = await call<{ error: { message: string } }>("POST", "/v1/experiments", {
      role: "admin",
      body: experiment(uid("e"), { control: "c" }),
    });
    const weights = await call<{ error: { message: string } }>("POST", "/v1/experiments", {
      role: "admin",
      body: experiment(uid("e"), {
        arms: [
          { id: "a", weight: 0.5, policy: { autoAcceptAbove: 0.9 } },
          { id: "b", weight: 0.4, policy: { autoAcceptAbove: 1.5 } },
        ],
      }),
    });

    // Assert
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/control/);
    expect(weights.status).toBe(400);
    expect(weights.body.error.message).toMatch(/autoAcceptAbove/);
    expect(await settledSnapshot()).toEqual(before);
  });

  it("refuses a second experiment with the same id with 409", async () => {
    // Arrange
    const id = uid("e");
    await call("POST", "/v1/experiments", { role: "admin", body: experiment(id) });

    // Act
    const again = await call<{ error: { code: string } }>("POST", "/v1/experiments", {
      role: "admin",
      body: experiment(id),
    });

    // Assert
    expect(again).toMatchObject({ status: 409, body: { error: { code: "experiment_exists" } } });
  });

  it("lets only admins change experiments", async () => {
    // Act
    const producer = await call("POST", "/v1/experiments", { role: "producer", body: experiment(uid("e")) });
    const analyst = await call("POST", "/v1/experiments", { role: "analyst", body: experiment(uid("e")) });

    // Assert
    expect(producer.status).toBe(403);
    expect(analyst.status).toBe(403);
  });

  it("lists every config version and the audit trail to analysts and admins, and to no other role", async () => {
    // Arrange
    const id = uid("e");
    await call("POST", "/v1/experiments", { role: "admin", body: experiment(id) });
    await call("PUT", `/v1/experiments/${id}`, {
      role: "admin",
      body: experiment(id, { status: "running" }),
    });

    // Act
    const history = await call<{
      currentVersion: number;
      versions: { version: number; status: string }[];
      audit: { action: string; detail?: Record<string, unknown> }[];
    }>("GET", `/v1/experiments/${id}/versions`, { role: "analyst" });
    const reviewer = await call("GET", `/v1/experiments/${id}/versions`, { role: "reviewer" });
    const producer = await call("GET", `/v1/experiments/${id}/versions`, { role: "producer" });
    const unknown = await call("GET", `/v1/experiments/${uid("none")}/versions`, { role: "admin" });

    // Assert
    expect(history.status).toBe(200);
    expect(history.body.currentVersion).toBe(2);
    expect(history.body.versions.map((v) => [v.version, v.status])).toEqual([
      [1, "draft"],
      [2, "running"],
    ]);
    expect(history.body.audit.map((a) => a.action)).toEqual(["experiment-created", "experiment-changed"]);
    expect(history.body.audit[1]?.detail).toMatchObject({ from: 1, to: 2 });
    expect(reviewer.status).toBe(403);
    expect(producer.status).toBe(403);
    expect(unknown.status).toBe(404);
  });
});
