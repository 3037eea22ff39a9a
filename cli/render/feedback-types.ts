/**
 * The report's typed feedback (correction, rubric, pairwise, approval): one table per type with a
 * row per arm (per arm and candidate source for pairwise), and CSV rows. The HTML report's chart of
 * every share is the app's (app/src/charts-typed-feedback.ts).
 */

import type { AgreementStat, Share, TypedQuality } from "../../core/feedback/types/quality";
import type { ExperimentReport, Num } from "../../core/report";
import { rate, rateWithInterval } from "./format";
import type { Table } from "./table";

const finite = (x: Num | undefined): x is number => typeof x === "number" && Number.isFinite(x);
const fixed = (x: Num, digits = 2) => (finite(x) ? x.toFixed(digits) : "–");
const s = (share: Share) => rateWithInterval(share);

type Arms = { arm: string; q: TypedQuality }[];
const NO_SHARE: Share = { count: 0, n: 0, value: null, interval: [null, null] };

const armsOf = (report: ExperimentReport): Arms =>
  report.arms.flatMap((a) => (a.typedFeedback ? [{ arm: a.arm, q: a.typedFeedback }] : []));

/** Titled tables, one per declared type; empty when the experiment declares none. */
export function typedFeedbackTables(report: ExperimentReport): { title: string; table: Table }[] {
  const arms = armsOf(report);
  const out: { title: string; table: Table }[] = [];
  const right = (n: number) => ["left", ...Array(n - 1).fill("right")] as ("left" | "right")[];
  if (arms.some((a) => a.q.correction)) {
    out.push({
      title: "Corrections",
      table: {
        header: ["arm", "verdicts", "accepted as is", "mean edit distance", "mean changed fields"],
        rows: arms.flatMap(({ arm, q }) =>
          q.correction
            ? [
                [
                  arm,
                  String(q.correction.acceptedAsIs.n),
                  s(q.correction.acceptedAsIs),
                  fixed(q.correction.meanEditDistance, 3),
                  fixed(q.correction.meanChangedFields),
                ],
              ]
            : [],
        ),
        align: right(5),
      },
    });
  }
  if (arms.some((a) => a.q.rubric)) {
    out.push({
      title: `Rubric (quality: ${arms.find((a) => a.q.rubric)?.q.rubric?.quality})`,
      table: {
        header: ["arm", "criterion", "scored", "mean", "mean interval", "pass rate"],
        rows: arms.flatMap(({ arm, q }) =>
          (q.rubric?.criteria ?? []).map((c) => [
            arm,
            c.criterion,
            String(c.n),
            fixed(c.mean),
            finite(c.meanInterval[0]) ? `${fixed(c.meanInterval[0])}–${fixed(c.meanInterval[1])}` : "–",
            s(c.passRate),
          ]),
        ),
        align: ["left", "left", "right", "right", "right", "right"],
      },
    });
  }
  if (arms.some((a) => a.q.pairwise)) {
    out.push({
      title: "Pairwise (win rate over decisive verdicts; A chosen: position bias check, 50% = none)",
      table: {
        header: ["arm", "source", "shown", "wins", "ties", "win rate", "A chosen", "equal"],
        rows: arms.flatMap(({ arm, q }) =>
          (q.pairwise?.sources ?? []).map((src) => [
            arm,
            src.source,
            String(src.shown),
            String(src.wins),
            String(src.ties),
            s(src.winRate),
            q.pairwise ? rate(q.pairwise.choseA.value) : "–",
            q.pairwise ? rate(q.pairwise.equal.value) : "–",
          ]),
        ),
        align: ["left", "left", "right", "right", "right", "right", "right", "right"],
      },
    });
  }
  if (arms.some((a) => a.q.approval)) {
    out.push({
      title: "Approvals",
      table: {
        header: ["arm", "verdicts", "approved", "edited", "rejected"],
        rows: arms.flatMap(({ arm, q }) =>
          q.approval
            ? [
                [
                  arm,
                  String(q.approval.approve.n),
                  s(q.approval.approve),
                  s(q.approval.edit),
                  s(q.approval.reject),
                ],
              ]
            : [],
        ),
        align: right(5),
      },
    });
  }
  if (arms.some((a) => a.q.byKind)) {
    // Each type's quality measure, for held items and for audited automated decisions apart.
    const measures = (q: TypedQuality): string[] => [
      q.correction ? s(q.correction.acceptedAsIs) : "–",
      q.rubric
        ? s(q.rubric.criteria.find((c) => c.criterion === q.rubric?.quality)?.passRate ?? NO_SHARE)
        : "–",
      q.approval ? s(q.approval.approve) : "–",
      String(q.correction?.acceptedAsIs.n ?? q.approval?.approve.n ?? q.pairwise?.verdicts ?? 0),
    ];
    out.push({
      title:
        "Held items and audited automated decisions apart (audits: what the product got without a person)",
      table: {
        header: [
          "arm",
          "items",
          "accepted as is",
          "rubric quality passed",
          "approved as proposed",
          "verdicts",
        ],
        rows: arms.flatMap(({ arm, q }) =>
          q.byKind
            ? [
                [arm, "held", ...measures(q.byKind.held)],
                [arm, "audited", ...measures(q.byKind.audited)],
              ]
            : [],
        ),
        align: ["left", "left", "right", "right", "right", "right"],
      },
    });
  }
  if (arms.some((a) => a.q.agreement)) {
    const row = (arm: string, what: string, a: AgreementStat | undefined) =>
      a
        ? [
            [
              arm,
              what,
              a.level,
              String(a.pairs),
              finite(a.alpha)
                ? `${fixed(a.alpha)}${finite(a.interval[0]) ? ` (${fixed(a.interval[0])}–${fixed(a.interval[1])})` : ""}`
                : "– (no variation)",
            ],
          ]
        : [];
    out.push({
      title: "Agreement of double reviews (Krippendorff's alpha at each type's level)",
      table: {
        header: ["arm", "feedback", "level", "pairs", "alpha"],
        rows: arms.flatMap(({ arm, q }) => [
          ...row(arm, "correction accepted", q.agreement?.correction),
          ...Object.entries(q.agreement?.rubric ?? {}).flatMap(([c, a]) => row(arm, `rubric ${c}`, a)),
          ...row(arm, "pairwise winner", q.agreement?.pairwise),
          ...row(arm, "approval action", q.agreement?.approval),
        ]),
        align: ["left", "left", "left", "right", "right"],
      },
    });
  }
  if (arms.some((a) => a.q.signals)) {
    out.push({
      title: "Implicit signals (share of signalled decisions with at least one of each)",
      table: {
        header: [
          "arm",
          "signalled",
          "accepted",
          "complained",
          "reverted",
          "automated: accepted",
          "automated: complained",
        ],
        rows: arms.flatMap(({ arm, q }) =>
          q.signals
            ? [
                [
                  arm,
                  String(q.signals.decisions),
                  s(q.signals.acceptance),
                  s(q.signals.complaint),
                  s(q.signals.byType.reverted),
                  s(q.signals.automated.acceptance),
                  s(q.signals.automated.complaint),
                ],
              ]
            : [],
        ),
        align: right(7),
      },
    });
  }
  return out;
}

/** CSV rows (metric, value, interval, note) of an arm's typed feedback, for the report's CSV. */
export function typedFeedbackCsvRows(
  q: TypedQuality,
): { metric: string; value: Num; interval: [Num, Num]; note: string }[] {
  const rows: { metric: string; value: Num; interval: [Num, Num]; note: string }[] = [];
  const share = (metric: string, x: Share) =>
    rows.push({ metric, value: x.value, interval: x.interval, note: `${x.count} of ${x.n}` });
  if (q.correction) {
    share("correction_accepted_as_is", q.correction.acceptedAsIs);
    rows.push({
      metric: "correction_mean_edit_distance",
      value: q.correction.meanEditDistance,
      interval: [null, null],
      note: "",
    });
    rows.push({
      metric: "correction_mean_changed_fields",
      value: q.correction.meanChangedFields,
      interval: [null, null],
      note: "",
    });
  }
  for (const c of q.rubric?.criteria ?? []) {
    rows.push({
      metric: `rubric_${c.criterion}_mean`,
      value: c.mean,
      interval: c.meanInterval,
      note: `${c.n} scored`,
    });
    share(`rubric_${c.criterion}_pass_rate`, c.passRate);
  }
  for (const s of q.pairwise?.sources ?? []) share(`pairwise_${s.source}_win_rate`, s.winRate);
  if (q.pairwise) share("pairwise_chose_a", q.pairwise.choseA);
  if (q.approval)
    for (const k of ["approve", "edit", "reject"] as const) share(`approval_${k}`, q.approval[k]);
  if (q.signals) {
    share("signals_acceptance", q.signals.acceptance);
    share("signals_complaint", q.signals.complaint);
  }
  return rows;
}
