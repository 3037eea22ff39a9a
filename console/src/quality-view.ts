/** Scorecard rows as table rows (My quality, and the team's page): cells, the gold bar in its column. */

import type { UiElement } from "./dom";
import type { ScorecardRow } from "./scorecard";

type H = (tag: string, attributes?: Record<string, string>, ...children: (UiElement | string)[]) => UiElement;

function goldBar(h: H, gold: NonNullable<ScorecardRow["gold"]>): UiElement {
  const ci = h("span", { class: "gold-ci" });
  ci.style.setProperty("left", gold.lower);
  ci.style.setProperty("width", `calc(${gold.upper} - ${gold.lower})`);
  const fill = h("span", { class: "gold-fill" });
  fill.style.setProperty("width", gold.accuracy);
  return h("span", { class: "gold-bar", role: "img", "aria-label": gold.label, title: gold.label }, ci, fill);
}

export function scorecardTableRows(h: H, rows: readonly ScorecardRow[], goldColumn: number): UiElement[] {
  return rows.map((row) => {
    const gold = row.gold ? goldBar(h, row.gold) : undefined;
    return h(
      "tr",
      { class: `standing-${row.status}`, title: row.reason },
      ...row.cells.map((cell, i) =>
        h("td", i === goldColumn ? { class: "gold" } : {}, cell, ...(i === goldColumn && gold ? [gold] : [])),
      ),
    );
  });
}
