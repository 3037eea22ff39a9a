/**
 * Tables for the terminal (aligned columns), Markdown and CSV, from the same header and rows.
 */

export type Align = "left" | "right";

export interface Table {
  header: readonly string[];
  rows: readonly (readonly string[])[];
  /** Per column; numbers read best right-aligned (default left). */
  align?: readonly Align[];
}

/** Width in code points, so "–" and "◀" count as one column like in a terminal. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, size - width(text)));
  return align === "right" ? `${fill}${text}` : `${text}${fill}`;
}

/** Columns separated by two spaces, header underlined; trailing spaces trimmed. */
export function renderTextTable(table: Table): string {
  const widths = table.header.map((head, c) =>
    Math.max(width(head), ...table.rows.map((row) => width(row[c] ?? ""))),
  );
  const line = (cells: readonly string[]) =>
    widths
      .map((size, c) => pad(cells[c] ?? "", size, table.align?.[c] ?? "left"))
      .join("  ")
      .trimEnd();
  return [line(table.header), line(widths.map((size) => "─".repeat(size))), ...table.rows.map(line)].join(
    "\n",
  );
}

function markdownCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

export function renderMarkdownTable(table: Table): string {
  const row = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(" | ")} |`;
  const rule = table.header.map((_, c) => (table.align?.[c] === "right" ? "---:" : "---"));
  return [row(table.header), `| ${rule.join(" | ")} |`, ...table.rows.map(row)].join("\n");
}

/** RFC 4180: quote a field containing a comma, quote or line break; double inner quotes. */
export function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV with "\n" line ends (what spreadsheets and pandas read) and a final newline. */
export function renderCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean)[])[],
): string {
  return `${[header, ...rows].map((row) => row.map(csvField).join(",")).join("\n")}\n`;
}
