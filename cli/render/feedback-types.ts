/**
 * The report's typed feedback (correction, rubric, pairwise, approval): one table per type with a
 * row per arm (per arm and candidate source for pairwise), and one chart of every share with its
 * interval, so arms can be compared at a glance.
 */

import type { AgreementStat, Share, TypedQuality } from "../../core/feedback/types/quality";
import type { ExperimentReport, Num } from "../../core/report";
import { rate, rateWithInterval } from "./format";
import { DEFAULT_PALETTE, escapeXml } from "./svg-chart";
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

/** Every share of the typed feedback, one row per (measure, arm): a dot with its interval on 0-100%. */
export function typedFeedbackSvg(report: ExperimentReport): string | undefined {
  const rows: { label: string; arm: number; share: Share }[] = [];
  armsOf(report).forEach(({ arm, q }, i) => {
    if (q.correction)
      rows.push({ label: `${arm}: accepted as is`, arm: i, share: q.correction.acceptedAsIs });
    for (const c of q.rubric?.criteria ?? [])
      rows.push({ label: `${arm}: ${c.criterion} pass`, arm: i, share: c.passRate });
    for (const src of q.pairwise?.sources ?? [])
      rows.push({ label: `${arm}: ${src.source} wins`, arm: i, share: src.winRate });
    if (q.approval) rows.push({ label: `${arm}: approved as proposed`, arm: i, share: q.approval.approve });
    if (q.signals) {
      rows.push({ label: `${arm}: users accepted`, arm: i, share: q.signals.acceptance });
      rows.push({ label: `${arm}: users complained`, arm: i, share: q.signals.complaint });
    }
  });
  const shown = rows.filter((r) => finite(r.share.value));
  if (shown.length === 0) return undefined;
  const left = 220;
  const width = 560;
  const plot = width - left - 30;
  const rowHeight = 24;
  const top = 44;
  const height = top + shown.length * rowHeight + 30;
  const x = (v: number) => left + v * plot;
  const r2 = (v: number) => String(Math.round(v * 100) / 100);
  const title = "Typed feedback per arm (95% intervals)";
  const parts = [
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="12" y="20" font-size="14" font-weight="600">${escapeXml(title)}</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${r2(x(tick))}" x2="${r2(x(tick))}" y1="${top - 8}" y2="${height - 24}" stroke="#e5e7eb"/>`,
      `<text x="${r2(x(tick))}" y="${height - 10}" text-anchor="middle" fill="#4b5563">${tick * 100}%</text>`,
    );
  }
  shown.forEach((row, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    const color = DEFAULT_PALETTE[row.arm % DEFAULT_PALETTE.length] ?? "#000";
    const [lo, hi] = row.share.interval;
    const value = row.share.value as number;
    const tip = `${row.label}: ${rateWithInterval(row.share)} of ${row.share.n}`;
    parts.push(
      `<text x="${left - 8}" y="${r2(y)}" text-anchor="end" dominant-baseline="middle">${escapeXml(row.label)}</text>`,
    );
    if (finite(lo) && finite(hi))
      parts.push(
        `<line x1="${r2(x(lo))}" x2="${r2(x(hi))}" y1="${r2(y)}" y2="${r2(y)}" stroke="${color}" stroke-width="3"/>`,
      );
    parts.push(
      `<circle cx="${r2(x(value))}" cy="${r2(y)}" r="5" fill="${color}"><title>${escapeXml(tip)}</title></circle>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
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
