/** Small DOM helpers: elements from tags, attributes and children; tables from rows. */
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export interface Column {
  title: string;
  /** Right-aligned tabular figures. */
  num?: boolean;
}

/** A table with a caption (for screen readers when `visibleCaption` is false), column headers and row headers. */
export function table(
  caption: string,
  columns: Column[],
  rows: Child[][],
  options: { id?: string; visibleCaption?: boolean } = {},
): HTMLElement {
  const head = h(
    "tr",
    {},
    ...columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : "" }, c.title)),
  );
  const body = rows.map((cells) =>
    h(
      "tr",
      {},
      ...cells.map((cell, i) =>
        i === 0 ? h("th", { scope: "row" }, cell) : h("td", { class: columns[i]?.num ? "num" : "" }, cell),
      ),
    ),
  );
  const element = h(
    "table",
    options.id ? { id: options.id } : {},
    h("caption", options.visibleCaption ? {} : { class: "sr-only" }, caption),
    h("thead", {}, head),
    h("tbody", {}, ...body),
  );
  // A wide table scrolls sideways: the region takes focus so keyboard users can scroll it too.
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": caption }, element);
}

/** A chart's canvas: an image with a text label, and its numbers in the table `tableId` describes. */
export function chartCanvas(id: string, label: string): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h("canvas", { id, role: "img", "aria-label": label });
  canvas.textContent = label;
  return { box: h("div", { class: "chart" }, canvas), canvas };
}
