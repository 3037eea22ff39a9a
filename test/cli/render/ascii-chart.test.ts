import { describe, expect, it } from "vitest";
import { renderAsciiChart } from "../../../cli/render/ascii-chart";
import type { ChartSpec } from "../../../cli/render/chart";

const diagonal: ChartSpec = {
  x: { label: "threshold", min: 0, max: 1 },
  y: { label: "rate", min: 0, max: 1 },
  series: [
    {
      name: "rate",
      points: [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
    },
  ],
};

describe("renderAsciiChart", () => {
  it("draws the series from the bottom-left to the top-right corner of the plot", () => {
    // Act
    const lines = renderAsciiChart(diagonal, { width: 11, height: 11 }).split("\n");

    // Assert: line 0 is the y label, then 11 plot rows; the gutter holds the widest tick label ("0.2")
    expect(lines[0]).toBe("    rate");
    expect(lines[1]).toBe("  1 ┤          ●");
    expect(lines[6]).toBe("    │     ●");
    expect(lines[11]).toBe("  0 ┤●");
  });

  it("labels both axes, ticks and the legend", () => {
    // Act
    const text = renderAsciiChart({ ...diagonal, title: "Rate by threshold" }, { width: 21, height: 6 });

    // Assert
    const lines = text.split("\n");
    expect(lines[0]).toBe("Rate by threshold");
    expect(text).toContain("└┬");
    expect(text).toMatch(/0 +0\.2 +0\.4 +0\.6 +0\.8 +1/);
    expect(text).toContain("threshold");
    expect(lines.at(-1)).toBe("     ● rate");
  });

  it("marks a vertical and a horizontal reference line and lists them in the legend", () => {
    // Arrange
    const spec: ChartSpec = {
      ...diagonal,
      vertical: [{ at: 0.5, label: "recommended 0.5" }],
      horizontal: [{ at: 0.2, label: "target 20%" }],
    };

    // Act
    const lines = renderAsciiChart(spec, { width: 11, height: 11 }).split("\n");

    // Assert: the vertical line runs through column 5 (character 5 + gutter 3 + 2), above and below the mark
    const column = 5 + 5;
    expect(lines[1]?.[column]).toBe("│");
    expect(lines[11]?.[column]).toBe("│");
    expect(lines[9]).toBe("0.2 ┤╌╌●╌╌│╌╌╌╌╌");
    expect(lines.at(-1)).toBe("     ● rate   │ recommended 0.5   ╌ target 20%");
  });

  it("shades an interval band behind the line and names it", () => {
    // Arrange
    const spec: ChartSpec = {
      x: { label: "x", min: 0, max: 1 },
      y: { label: "y", min: 0, max: 1 },
      series: [
        {
          name: "rate",
          points: [
            { x: 0, y: 0.5 },
            { x: 1, y: 0.5 },
          ],
          band: [
            { x: 0, lower: 0.3, upper: 0.7 },
            { x: 1, lower: 0.3, upper: 0.7 },
          ],
          bandName: "95% interval",
        },
      ],
    };

    // Act
    const lines = renderAsciiChart(spec, { width: 10, height: 11 }).split("\n");

    // Assert: rows for 0.7 … 0.3 are shaded, the mean row carries the marks
    expect(lines[4]).toBe("    │░░░░░░░░░░");
    expect(lines[6]).toBe("    │●●●●●●●●●●");
    expect(lines[8]).toBe("    │░░░░░░░░░░");
    expect(lines[9]).toBe("0.2 ┤");
    expect(lines.at(-1)).toBe("     ● rate   ░ 95% interval");
  });

  it("leaves a gap where a value is missing", () => {
    // Arrange
    const spec: ChartSpec = {
      x: { label: "x", min: 0, max: 4 },
      y: { label: "y", min: 0, max: 1 },
      series: [
        {
          name: "s",
          points: [0, 1, 2, 3, 4].map((x) => ({ x, y: x === 2 ? Number.NaN : 1 })),
        },
      ],
    };

    // Act
    const lines = renderAsciiChart(spec, { width: 17, height: 3 }).split("\n");

    // Assert: a column is x/4 wide; columns 5 … 11 (x = 1.25 … 2.75) touch the missing value at x = 2
    expect(lines[1]).toBe("  1 ┤●●●●●       ●●●●●");
    // Three rows: each shows the tick closest to it (0.4 and 0.6 are equally close to the middle row)
    expect(lines[2]).toBe("0.4 ┤");
    expect(lines[3]).toBe("  0 ┤");
  });

  it("uses only 7-bit characters when asked to", () => {
    // Act
    const text = renderAsciiChart(
      { ...diagonal, vertical: [{ at: 0.5, label: "v" }], horizontal: [{ at: 0.5, label: "h" }] },
      { ascii: true },
    );

    // Assert
    expect(text).toMatch(/^[\x20-\x7e\n]+$/);
    expect(text).toContain("* rate");
  });
});
