/**
 * The typed feedback's shares to chart: one row per (arm, measure) that has a value. Pure (no DOM),
 * so the CLI's tests and the app's chart read the same rows.
 */
import type { Share } from "../../core/feedback/types/quality";
import type { ExperimentReport } from "../../core/report/types";

export interface ShareRow {
  /** `aggressive: accepted as is`. */
  label: string;
  /** The arm's position in the report (its colour, as in every other chart). */
  arm: number;
  share: Share;
}

/** Every share of every arm's typed feedback that has a value, in the report's arm order. */
export function typedFeedbackShares(report: Pick<ExperimentReport, "arms">): ShareRow[] {
  const rows: ShareRow[] = [];
  report.arms.forEach(({ arm, typedFeedback: q }, i) => {
    if (!q) return;
    const add = (measure: string, share: Share) => rows.push({ label: `${arm}: ${measure}`, arm: i, share });
    if (q.correction) add("accepted as is", q.correction.acceptedAsIs);
    for (const c of q.rubric?.criteria ?? []) add(`${c.criterion} pass`, c.passRate);
    for (const source of q.pairwise?.sources ?? []) add(`${source.source} wins`, source.winRate);
    if (q.approval) add("approved as proposed", q.approval.approve);
    if (q.signals) {
      add("users accepted", q.signals.acceptance);
      add("users complained", q.signals.complaint);
    }
  });
  return rows.filter((r) => r.share.value !== null && Number.isFinite(r.share.value));
}
