import { describe, expect, it } from "vitest";
import type { ChartSpec } from "../../../cli/render/chart";
import { escapeXml, renderSvgChart } from "../../../cli/render/svg-chart";

const spec: ChartSpec = {
  title: "Automation rate by threshold",
  x: { label: "confidence threshold", min: 0.5, max: 1, format: (v) => v.toFixed(2) },
  y: { label: "automated", min: 0, max: 1, format: (v) => `${Math.round(v * 100)}%` },
  series: [
    {
      name: "automation rate",
      points: [
        { x: 0.5, y: 0.9 },
        { x: 0.75, y: 0.7 },
        { x: 1, y: 0.2 },
      ],
      band: [
        { x: 0.5, lower: 0.85, upper: 0.95 },
        { x: 0.75, lower: 0.65, upper: 0.75 },
        { x: 1, lower: 0.1, upper: 0.3 },
      ],
      bandName: "95% interval",
    },
  ],
  vertical: [{ at: 0.9, label: "recommended 0.90" }],
  horizontal: [{ at: 0.5, label: "half" }],
};

describe("renderSvgChart", () => {
  it("draws one inline <svg> with the title, axis labels and tick labels", () => {
    // Act
    const svg = renderSvgChart(spec);

    // Assert
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("<title>Automation rate by threshold</title>");
    expect(svg).toContain(">confidence threshold</text>");
    expect(svg).toContain(">automated</text>");
    for (const tick of ["0%", "20%", "100%", "0.50", "0.70", "1.00"])
      expect(svg).toContain(`>${tick}</text>`);
  });

  it("draws the series as a path, the band as a polygon and both reference lines with their labels", () => {
    // Act
    const svg = renderSvgChart(spec, { width: 600, height: 300 });

    // Assert
    expect(svg.match(/<path d="M[^"]*L[^"]*L[^"]*" fill="none" stroke="#2563eb"/g)).toHaveLength(1);
    expect(svg.match(/<polygon /g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain("<title>automation rate: 70% at 0.75</title>");
    expect(svg).toContain(">recommended 0.90</text>");
    expect(svg).toContain(">half</text>");
    expect(svg.match(/stroke-dasharray/g)?.length).toBeGreaterThanOrEqual(4);
    // Legend: series, band and both markers
    for (const entry of ["automation rate", "95% interval", "recommended 0.90", "half"]) {
      expect(svg).toContain(`>${entry}</text>`);
    }
  });

  it("starts the line at the left edge of the plot and ends it at the right edge", () => {
    // Act: the plot of a 600 px chart is 600 − 20 (right margin) − 34 − 4 × 7 (tick labels) = 518 px wide
    const svg = renderSvgChart(spec, { width: 600 });

    // Assert: plot coordinates are relative to the nested <svg> that clips the plot area
    expect(svg).toMatch(/<path d="M0 [\d.]+L259 [\d.]+L518 [\d.]+"/);
  });

  it("breaks the line at missing values instead of drawing through them", () => {
    // Arrange
    const gappy: ChartSpec = {
      x: { label: "x" },
      y: { label: "y" },
      series: [{ name: "s", points: [0, 1, 2, 3, 4].map((x) => ({ x, y: x === 2 ? Number.NaN : x })) }],
    };

    // Act
    const svg = renderSvgChart(gappy);

    // Assert
    expect(svg.match(/<path d="M[^"]*" fill="none" stroke="#2563eb" stroke-width="2"/g)).toHaveLength(2);
  });

  it("escapes text and refers to nothing outside itself unless a stand-alone file is asked for", () => {
    // Act
    const inline = renderSvgChart({ ...spec, title: 'Errors < 2% & "safe"' });
    const standalone = renderSvgChart(spec, { standalone: true });

    // Assert
    expect(inline).toContain("Errors &lt; 2% &amp; &quot;safe&quot;");
    expect(inline).not.toMatch(/https?:/);
    expect(standalone).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(escapeXml("<a href='x'>")).toBe("&lt;a href=&#39;x&#39;&gt;");
  });
});
