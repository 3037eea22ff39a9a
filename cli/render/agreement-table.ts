import type { AgreementFamily, AgreementRow } from "../../core/report/agreement-family";
import type { Table } from "./table";

type Num = number | null | undefined;
const n2 = (x: Num) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(2));
const withCi = (x: Num, ci: readonly Num[] | null | undefined) =>
  ci && ci[0] !== null && ci[0] !== undefined ? `${n2(x)} [${n2(ci[0])}, ${n2(ci[1])}]` : n2(x);

/** One row per scope (overall, each arm, each queue, each arm × queue) of the kappa family. */
export function agreementFamilyTable(family: AgreementFamily): Table {
  const rows: [string, AgreementRow][] = [
    ["overall", family.overall],
    ...family.arms.map((a): [string, AgreementRow] => [`arm ${a.arm}`, a]),
    ...family.queues.map((q): [string, AgreementRow] => [`queue ${q.queue}`, q]),
    ...family.armQueues.map((r): [string, AgreementRow] => [`${r.arm} × ${r.queue}`, r]),
  ];
  const header = ["scope", "items", "Fleiss κ [95% CI]", "α nominal [CI]"];
  if (family.ordered) header.push("α ordinal [CI]", "weighted κ");
  header.push("flag");
  return {
    header,
    align: header.map((_, i) => (i === 0 ? "left" : "right")),
    rows: rows
      .filter(([, r]) => r.items > 0)
      .map(([scope, r]) => {
        const s = r.summary;
        const cells = [
          scope,
          String(r.items),
          withCi(s?.fleiss.kappa, s?.fleiss.interval),
          withCi(s?.alpha.nominal.alpha, s?.alpha.nominal.interval),
        ];
        if (family.ordered)
          cells.push(withCi(s?.alpha.ordinal?.alpha, s?.alpha.ordinal?.interval), n2(r.weightedKappa));
        cells.push(s?.low ? `below ${family.threshold}` : s?.low === false ? "ok" : "–");
        return cells;
      }),
  };
}

/** Per-label agreement (overall): Fleiss' κ_j of "this label vs any other". */
export function perLabelLine(family: AgreementFamily): string {
  const per = family.overall.summary?.perLabel ?? {};
  const parts = Object.entries(per).map(([label, a]) => `${label} κ ${n2(a.kappa)} (${a.ratings} ratings)`);
  return parts.length ? `per-label agreement: ${parts.join(", ")}` : "";
}
