import { describe, expect, it } from "vitest";
import { DEFAULTS, parseArgs, QUICK } from "../../bench/args";
import { statTicks } from "../../bench/machine";
import { barChart, perItem } from "../../bench/render";
import { constructLabel } from "../../bench/template";

const KNOWN = ["routing", "review"];

describe("bench options", () => {
  it("defaults to every scenario at the issue's sizes", () => {
    const options = parseArgs([], KNOWN);
    expect(options).toMatchObject({
      decisions: 2000,
      concurrency: 16,
      held: 200,
      reviewers: 16,
      quick: false,
    });
    expect(options.scenarios).toEqual(KNOWN);
    expect(DEFAULTS.scenarios).toEqual([]);
  });

  it("reads sizes, both flag forms and a scenario list", () => {
    const options = parseArgs(["--decisions", "500", "--concurrency=8", "--scenario", "review"], KNOWN);
    expect(options).toMatchObject({ decisions: 500, concurrency: 8, scenarios: ["review"] });
  });

  it("makes --quick small, but explicit sizes win", () => {
    expect(parseArgs(["--quick"], KNOWN)).toMatchObject({ decisions: QUICK.decisions, held: QUICK.held });
    expect(parseArgs(["--quick", "--held", "10"], KNOWN)).toMatchObject({ decisions: 300, held: 10 });
  });

  it("refuses unknown scenarios, options and bad numbers with a message", () => {
    expect(() => parseArgs(["--scenario", "routing,nope"], KNOWN)).toThrow(
      /unknown nope; known: routing, review/,
    );
    expect(() => parseArgs(["--fast"], KNOWN)).toThrow(/unknown option --fast/);
    expect(() => parseArgs(["--decisions", "0"], KNOWN)).toThrow(/integer ≥ 1/);
    expect(() => parseArgs(["--concurrency", "2.5"], KNOWN)).toThrow(/integer ≥ 1/);
  });
});

describe("report helpers", () => {
  it("draws bars scaled to the largest value, with eighths", () => {
    const chart = barChart(
      [
        { label: "p50", value: 50 },
        { label: "p99", value: 100 },
      ],
      { width: 8, unit: "ms" },
    );
    expect(chart.split("\n")).toEqual(["p50  ████      50.0 ms", "p99  ████████  100.0 ms"]);
    expect(barChart([{ label: "a", value: 1.5 }], { width: 4 }).startsWith("a  ████")).toBe(true);
    expect(barChart([{ label: "x", value: 0 }], { width: 2 })).toBe("x      0.0");
  });

  it("prints small per-item counts with three significant digits", () => {
    expect(perItem(1)).toBe("1.00");
    expect(perItem(0.0175)).toBe("0.0175");
    expect(perItem(12.345)).toBe("12.3");
    expect(perItem(0)).toBe("0");
  });

  it("labels constructs without their stack and CDK tail", () => {
    expect(constructLabel("HitlCompute/DecisionsApi/Fn/Resource", "x")).toBe("DecisionsApi");
    expect(constructLabel("HitlCompute/Metrics/Aggregator/Fn/Resource", "x")).toBe("Metrics/Aggregator");
    expect(constructLabel("HitlData/DecisionsTable/Resource", "x")).toBe("DecisionsTable");
    expect(constructLabel(undefined, "Fallback")).toBe("Fallback");
  });

  it("reads CPU ticks from a /proc stat line whose command holds spaces", () => {
    const stat = "1234 (V8 Worker) S 1 2 3 4 5 6 7 8 9 10 250 40 0 0 20 0 1 0 100 200 300";
    expect(statTicks(stat)).toBe(290);
  });
});
