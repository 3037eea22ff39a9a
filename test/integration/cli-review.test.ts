import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { call, cloud, createExperiment, eventually, uid } from "./support";

const run = promisify(execFile);

/** The real `hitl` executable, pointed at the local cloud through HITL_API_URL and HITL_TOKEN. */
async function hitl(token: string, ...args: string[]) {
  const { stdout } = await run(process.execPath, ["bin/hitl.mjs", ...args], {
    env: { ...process.env, HITL_API_URL: cloud.apiUrl, HITL_TOKEN: token },
  });
  return stdout;
}

describe("working the queues from a terminal", () => {
  it("lists queues and their history, claims the next item and decides it with hitl review", async () => {
    // Arrange
    const queue = uid("terminal");
    const experimentId = await createExperiment({}, queue);
    const decision = await call<{ reviewId: string; decisionId: string }>("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId,
        unitId: uid("u"),
        item: { topic: "legal" },
        prediction: { label: "approve", confidence: 0.9 },
      },
    });
    await eventually(
      async () => {
        const r = await call("GET", `/v1/reviews/${decision.body.reviewId}`, { role: "reviewer" });
        return r.status === 200 ? true : undefined;
      },
      20_000,
      "the held item",
    );
    const waiting = new Date().toISOString();

    // Act
    const queues = await hitl(cloud.identities.r13 ?? "", "review", "queues");
    const history = await hitl(
      cloud.identities.r13 ?? "",
      "review",
      "queues",
      "--history",
      "--queue",
      queue,
      "--until",
      waiting,
    );
    const next = JSON.parse(await hitl(cloud.identities.r13 ?? "", "review", "next", "--queue", queue)) as {
      review: { reviewId: string };
    };
    const decided = JSON.parse(
      await hitl(
        cloud.identities.r13 ?? "",
        "review",
        "decide",
        next.review.reviewId,
        "--label",
        "deny",
        "--notes",
        "from a terminal",
      ),
    ) as { status: string };

    // Assert
    expect(queues).toMatch(new RegExp(`^${queue}\\s+1\\s`, "m"));
    // The history's last point is the asked time: the item waited then, within its SLA.
    expect(history.trim().split("\n").at(-1)).toMatch(
      new RegExp(`^${waiting.replaceAll(".", "\\.")}\\s+${queue}\\s+tier-1\\s+1\\s+\\d+\\s+0\\s+0$`),
    );
    expect(next.review.reviewId).toBe(decision.body.reviewId);
    expect(decided.status).toBe("recorded");
    const outcome = await eventually(
      async () => {
        const d = await call<{ status: string; outcome?: string }>(
          "GET",
          `/v1/decisions/${decision.body.decisionId}`,
          {
            role: "analyst",
          },
        );
        return d.body.status === "decided" ? d.body.outcome : undefined;
      },
      20_000,
      "the decided outcome",
    );
    expect(outcome).toBe("deny");
  });
});
