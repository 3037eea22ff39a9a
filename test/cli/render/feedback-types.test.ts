import { describe, expect, it } from "vitest";
import { embeddableJson } from "../../../app/src/report-file-contract";
import { typedFeedbackShares } from "../../../app/src/typed-feedback-logic";
import { renderReportCsv } from "../../../cli/render/report-csv";
import { renderReportHtml } from "../../../cli/render/report-html";
import { renderReportText } from "../../../cli/render/report-text";
import { typedFeedbackReport as report } from "../../support/typed-feedback-report";

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

  it("leaves the HTML report's typed feedback chart to the app's chart code, with the shares it draws embedded", async () => {
    // Arrange
    const r = await report([{ approval: { action: "reject" }, correction: { accepted: true } }]);

    // Act
    const html = renderReportHtml(r);

    // Assert
    expect(html).toContain("<h2>Feedback by type</h2>");
    expect(html).toContain('<section class="charts" id="feedback-charts"');
    expect(html).not.toMatch(/<svg/);
    const rows = typedFeedbackShares(r).map((row) => [row.label, row.share.value]);
    expect(rows).toContainEqual([expect.stringMatching(/: approved as proposed$/), 0]);
    expect(rows).toContainEqual([expect.stringMatching(/: accepted as is$/), 1]);
    expect(html).toContain(embeddableJson(r));
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
