import { describe, expect, it } from "vitest";
import { csvField, renderCsv, renderMarkdownTable, renderTextTable } from "../../../cli/render/table";

const table = {
  header: ["threshold", "automated", "note"],
  rows: [
    ["0.90", "60.7%", "no"],
    ["0.95", "43.0%", "yes ◀ recommended"],
  ],
  align: ["right", "right", "left"] as const,
};

describe("renderTextTable", () => {
  it("aligns numbers right and text left under an underlined header", () => {
    // Act
    const text = renderTextTable(table);

    // Assert
    expect(text.split("\n")).toEqual([
      "threshold  automated  note",
      "─────────  ─────────  ─────────────────",
      "     0.90      60.7%  no",
      "     0.95      43.0%  yes ◀ recommended",
    ]);
  });
});

describe("renderMarkdownTable", () => {
  it("right-aligns numeric columns and escapes pipes", () => {
    // Act
    const text = renderMarkdownTable({ ...table, rows: [["0.90", "60.7%", "a | b"]] });

    // Assert
    expect(text.split("\n")).toEqual([
      "| threshold | automated | note |",
      "| ---: | ---: | --- |",
      "| 0.90 | 60.7% | a \\| b |",
    ]);
  });
});

describe("CSV", () => {
  it("quotes only fields that need it, doubling inner quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(0.5)).toBe("0.5");
    expect(renderCsv(["a", "b"], [[1, true]])).toBe("a,b\n1,true\n");
  });
});
