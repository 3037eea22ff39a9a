import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { formatGoldErrors, parseGoldLines } from "../../core/reviewers/gold";
import type { ScorecardPage } from "../../core/reviewers/scorecard-query";
import { clientFor } from "../hitl-client";
import { guarded, printJson, table } from "../output";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "" : x.toFixed(2));
const secs = (x: number | null | undefined) => (x === null || x === undefined ? "" : x.toFixed(1));

/** The scorecards as two tables: reviewers per queue, then each queue's agreement across its reviewers. */
export function renderScorecards(page: ScorecardPage): string {
  const reviewers = table(
    page.reviewers.map((c) => ({
      queue: c.queue,
      reviewer: c.reviewer,
      status: c.standing?.status ?? "",
      decided: c.decided,
      gold: c.gold.items > 0 ? `${c.gold.correct}/${c.gold.items}` : "",
      "gold acc [95% CI]":
        c.gold.accuracy === null
          ? ""
          : `${pct(c.gold.accuracy)} [${pct(c.gold.interval[0])}, ${pct(c.gold.interval[1])}]`,
      "peer agree": pct(c.peers.agreement),
      "peer κ": pct(c.peers.kappa),
      upheld: pct(c.adjudication.rate),
      overrides: pct(c.overrides.rate),
      "in SLA": pct(c.sla.share),
      "median s": secs(c.handlingSeconds.median),
      "p90 s": secs(c.handlingSeconds.p90),
      releases: c.releases,
      expired: c.leaseExpiries,
    })),
  );
  const queues = table(
    page.queues.map((q) => ({
      queue: q.queue,
      items: q.items,
      "Fleiss κ [95% CI]": q.summary
        ? `${pct(q.summary.fleiss.kappa)} [${pct(q.summary.fleiss.interval?.[0])}, ${pct(q.summary.fleiss.interval?.[1])}]`
        : "",
      "α nominal": pct(q.summary?.alpha.nominal.alpha),
      "α ordinal": pct(q.summary?.alpha.ordinal?.alpha),
      "weighted κ": pct(q.weightedKappa ?? undefined),
      flag: q.summary?.low ? `below ${q.summary.threshold}` : "",
    })),
  );
  const period = `${page.from ?? "the start"} to ${page.to ?? "now"}`;
  return `Reviewers, ${period}\n${reviewers}\n\nAgreement per queue (blind reviews)\n${queues}\n`;
}

export function registerReviewers(program: Command): void {
  const gold = program.command("gold").description("gold (known-answer) items of a review queue (admin)");
  gold
    .command("add <file>")
    .description("add a JSON Lines file of gold items to a queue: all or nothing")
    .requiredOption("--queue <queue>", "the queue they are served in")
    .option("--experiment <id>", "check labels against this experiment (default: the one naming the queue)")
    .addHelpText(
      "after",
      '\nEach line: {"item": {...}, "prediction": {"label": "approve", "confidence": 0.93}, "label": "deny", "explanation": "..."}\nExample:\n  hitl gold add --queue claims gold.jsonl',
    )
    .action((file: string, o: { queue: string; experiment?: string }) =>
      guarded(async () => {
        const text = readFileSync(file, "utf8");
        // The shape of every line first, with the file's own line numbers.
        const local = parseGoldLines(text, { queue: o.queue });
        if (!local.ok)
          throw new Error(`${file} is invalid; nothing was uploaded:\n${formatGoldErrors(local.errors)}`);
        const uploaded = await clientFor("admin").gold.upload(o.queue, text, {
          ...(o.experiment ? { experimentId: o.experiment } : {}),
        });
        printJson(uploaded);
      }),
    );

  const reviewers = program
    .command("reviewers")
    .description("reviewer scorecards per queue: gold accuracy, agreement, speed, standing (admin)")
    .option("--queue <queue>", "one queue")
    .option("--reviewer <id>", "one reviewer")
    .option("--from <iso>", "from this time")
    .option("--to <iso>", "up to this time")
    .option("--me", "your own scorecards (reviewer role)")
    .option("--json", "print the API's JSON")
    .action(
      (o: { queue?: string; reviewer?: string; from?: string; to?: string; me?: boolean; json?: boolean }) =>
        guarded(async () => {
          const query = {
            ...(o.queue ? { queue: o.queue } : {}),
            ...(o.from ? { from: o.from } : {}),
            ...(o.to ? { to: o.to } : {}),
          };
          const page = o.me
            ? await clientFor("reviewer").reviewers.mine(query)
            : await clientFor("admin").reviewers.scorecards({
                ...query,
                ...(o.reviewer ? { reviewer: o.reviewer } : {}),
              });
          if (o.json) printJson(page);
          else process.stdout.write(renderScorecards(page));
        }),
    );
  for (const action of ["pause", "reinstate"] as const) {
    reviewers
      .command(`${action} <reviewer>`)
      .description(
        action === "pause"
          ? "pause a reviewer in a queue"
          : "reinstate a paused reviewer (a new evaluation starts)",
      )
      .requiredOption("--queue <queue>", "the queue")
      .requiredOption("--note <text>", "why (kept in the audit trail)")
      .action((reviewer: string, o: { queue: string; note: string }) =>
        guarded(async () =>
          printJson(await clientFor("admin").reviewers[action](reviewer, { queue: o.queue, note: o.note })),
        ),
      );
  }
}
