import { describe, expect, it } from "vitest";
import { type ProposeDeps, propose } from "../../cli/commands/propose";
import type { ReportQuery } from "../../client";
import type { Experiment, ExperimentInput } from "../../core/experiments/schema";
import { parseExperiment } from "../../core/experiments/validate";
import { calCounter } from "../../core/metrics/audit-counters";
import type { Counters } from "../../core/metrics/counters";
import { buildReport } from "../../core/report";
import { experiment, rows } from "../core/report/fixtures";
import { fixedDate } from "../support/clock";

/** aggressive (threshold 0.8): 200 audits in 0.80–0.99 and 200 held verdicts in 0.60–0.79, none wrong. */
function certifiable(): Experiment {
  return experiment({ certification: { targetError: 0.05, confidence: 0.95, pauseWhenBroken: false } });
}
function data() {
  const cal: Counters = {};
  for (let b = 80; b <= 99; b++) cal[calCounter("a", "n", b)] = 1;
  for (let b = 60; b <= 79; b++) cal[calCounter("h", "n", b)] = 1;
  return [
    ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
    ...rows("aggressive", 10, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 10, extra: cal }),
  ];
}

function deps(config: Experiment, answer: boolean, rowsOf = data) {
  const saved: ExperimentInput[] = [];
  const asked: string[] = [];
  const queries: ReportQuery[] = [];
  let out = "";
  let err = "";
  const d: ProposeDeps = {
    fetchReport: async (id, query) => {
      expect(id).toBe("claims");
      queries.push(query);
      const targetError = query.targetError === undefined ? undefined : Number(query.targetError);
      return buildReport({
        experiment: config,
        rows: rowsOf(),
        now: fixedDate("2026-11-02T00:00:00Z"),
        ...(targetError !== undefined ? { options: { targetError } } : {}),
      });
    },
    fetchExperiment: async () => config,
    saveExperiment: async (_id, c) => {
      saved.push(c);
      return { ...config, version: config.version + 1 };
    },
    confirm: async (q) => {
      asked.push(q);
      return answer;
    },
    write: (t) => {
      out += t;
    },
    writeErr: (t) => {
      err += t;
    },
  };
  return { d, saved, asked, queries, out: () => out, err: () => err };
}

describe("hitl experiments propose", () => {
  it("shows the certified next level and the change, asks, and writes nothing when declined", async () => {
    const run = deps(certifiable(), false);

    const code = await propose("claims", {}, run.d);

    expect(code).toBe(0);
    expect(run.out()).toMatch(
      /^Proposed next level for aggressive: automate above 0\.\d+: error among automated ≤ 5\.0%/,
    );
    expect(run.out()).toContain("Change to claims (version 1 → 2):");
    expect(run.out()).toContain("~ arms[1] aggressive: weight 0.5 → 0.25");
    expect(run.out()).toMatch(
      /\+ arms\[2\] aggressive-at-0\.\d+: weight 0\.25, policy of aggressive with autoAcceptAbove 0\.8 → 0\.\d+/,
    );
    expect(run.asked).toEqual(["Write this as a new config version? [y/N] "]);
    expect(run.saved).toEqual([]);
    expect(run.out()).toContain("Nothing written.");
  });

  it("with --yes writes a valid next config with the new arm, ramped from its source arm", async () => {
    const run = deps(certifiable(), false);

    const code = await propose("claims", { yes: true }, run.d);

    expect(code).toBe(0);
    expect(run.asked).toEqual([]);
    const [config] = run.saved;
    const parsed = parseExperiment(config);
    expect(parsed.ok).toBe(true);
    const arms = config?.arms ?? [];
    expect(arms.map((a) => [a.id.replace(/0\.\d+$/, "T"), a.weight])).toEqual([
      ["conservative", 0.5],
      ["aggressive", 0.25],
      ["aggressive-at-T", 0.25],
    ]);
    const next = arms[2]?.policy.autoAcceptAbove ?? 1;
    expect(next).toBeLessThan(0.8);
    expect(run.out()).toMatch(/Wrote version 2 of claims with arm aggressive-at-0\.\d+\./);
  });

  it("passes --target-error to the report, and says why when there is nothing to propose", async () => {
    const run = deps(experiment(), true, () =>
      rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
    );

    const none = await propose("claims", {}, run.d);
    const asked = await propose("claims", { targetError: 0.02 }, run.d);

    expect(none).toBe(1);
    expect(run.err()).toContain(
      "propose: nothing to propose for claims: no certificate: give --target-error or set the experiment's certification.targetError",
    );
    expect(run.queries[1]).toEqual({ targetError: 0.02 });
    expect(asked).toBe(1);
    expect(run.saved).toEqual([]);
  });
});
