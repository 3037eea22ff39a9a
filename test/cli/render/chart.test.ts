import { describe, expect, it } from "vitest";
import { interpolate, niceScale, niceTicks, resolveRange } from "../../../cli/render/chart";

describe("niceTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten and stays inside the range", () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.5, 0.99)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(niceTicks(0, 0.12)).toEqual([0, 0.05, 0.1]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe("resolveRange", () => {
  it("takes open ranges from the data, bands and markers, and keeps the ones the spec fixes", () => {
    // Arrange
    const spec = {
      x: { label: "x" },
      y: { label: "y", min: 0 },
      series: [
        {
          name: "s",
          points: [
            { x: 1, y: 2 },
            { x: 3, y: Number.NaN },
          ],
          band: [{ x: 1, lower: 1, upper: 5 }],
        },
      ],
      vertical: [{ at: 4, label: "v" }],
    };

    // Act
    const range = resolveRange(spec);

    // Assert
    expect(range).toMatchObject({ xMin: 1, xMax: 4, yMin: 0, yMax: 5 });
    expect(range.yTicks).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("interpolate", () => {
  it("is linear between points and NaN outside them", () => {
    // Arrange
    const points = [
      { x: 0, y: 0 },
      { x: 2, y: 10 },
    ];
    const y = (i: number) => (points[i] as { y: number }).y;

    // Act & Assert
    expect(interpolate(points, 0.5, y)).toBe(2.5);
    expect(interpolate(points, 2, y)).toBe(10);
    expect(interpolate(points, 3, y)).toBeNaN();
    expect(interpolate(points, -1, y)).toBeNaN();
  });
});

describe("niceScale", () => {
  it("ends a little above the peak on a round tick, and labels that top", () => {
    expect(niceScale(0.094)).toEqual({ max: 0.12, ticks: [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12] });
    expect(niceScale(0.8115).max).toBe(1);
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
  });
});
