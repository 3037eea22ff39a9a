import { describe, expect, it } from "vitest";
import { renderReportCsv } from "../../../cli/render/report-csv";
import { renderReportHtml } from "../../../cli/render/report-html";
import { renderReportText } from "../../../cli/render/report-text";
import { rebuildRows } from "../../../core/metrics/rebuild";
import { buildReport } from "../../../core/report/build";
import { claimNext, submitVerdict, type VerdictInput } from "../../../core/review/desk";
import { type RoundResult, settle } from "../../../core/review/steps";
import { reviewer, reviewWorld } from "../../support/review-world";

/** A report of an approval + correction experiment with one settled item per verdict. */
async function report(verdicts: VerdictInput[]) {
  const w = await reviewWorld({ feedback: [{ type: "approval" }, { type: "correction", format: "json" }] });
  for (const [i, input] of verdicts.entries()) {
    const { hold, token } = await w.hold({
      decisionId: `d-${i}`,
      prediction: {
        label: "run",
        confidence: 0.5,
        output: { to: "ops" },
        action: { tool: "page_oncall", arguments: { team: "db" } },
      },
    });
    await claimNext(w.desk, reviewer("alice"), "default");
    await submitVerdict(w.desk, reviewer("alice"), hold.reviewId, input);
    await settle(w.steps, { ...hold, verdict: w.workflow.succeeded.get(token) as RoundResult });
  }
  return buildReport({ experiment: w.exp, rows: rebuildRows(w.records()), now: w.clock.now() });
}

describe("the report's typed feedback", () => {
  it("has a table per declared type with the arm's shares and intervals", async () => {
    // Arrange
    const r = await report([
      { approval: { action: "approve" }, correction: { accepted: true } },
      {
        approval: { action: "edit", arguments: { team: "web" } },
        correction: { accepted: false, output: { to: "dev" } },
      },
    ]);

    // Act
    const text = renderReportText(r);

    // Assert
    const arm = r.arms.find((a) => a.typedFeedback?.approval?.approve.n === 2)?.arm ?? "?";
    expect(text).toContain("Approvals");
    expect(text).toMatch(new RegExp(`${arm}\\s+2\\s+50\\.0% \\(`));
    expect(text).toContain("Corrections");
    expect(text).toContain("mean changed fields");
  });

  it("draws the shares with their intervals in the HTML report", async () => {
    // Arrange
    const r = await report([{ approval: { action: "reject" }, correction: { accepted: true } }]);

    // Act
    const html = renderReportHtml(r);

    // Assert
    expect(html).toContain("<h2>Feedback by type</h2>");
    expect(html).toContain("Typed feedback per arm");
    expect(html).toMatch(/approved as proposed: 0\.0% \(0\.0–\d+\.\d%\) of 1/);
  });

  it("puts each type's numbers in the CSV, one row per arm and measure", async () => {
    // Arrange
    const r = await report([
      { approval: { action: "approve" }, correction: { accepted: false, output: { to: "dev" } } },
    ]);

    // Act
    const csv = renderReportCsv(r);

    // Assert
    expect(csv).toMatch(/^arm,[^,]+,approval_approve,1,[\d.]+,1,/m);
    expect(csv).toMatch(/^arm,[^,]+,correction_accepted_as_is,0,0,[\d.]+,/m);
    expect(csv).toMatch(/^arm,[^,]+,correction_mean_changed_fields,1,/m);
  });
});
