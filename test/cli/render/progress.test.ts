import { describe, expect, it } from "vitest";
import { lineProgress } from "../../../cli/render/progress";

describe("lineProgress", () => {
  it("writes nothing when stderr is not a terminal", () => {
    // Arrange
    const written: string[] = [];
    const progress = lineProgress({ write: (s) => written.push(s), enabled: false });

    // Act
    for (let line = 1; line <= 5000; line += 1) progress.update(line);
    progress.done();

    // Assert
    expect(written).toEqual([]);
  });

  it("redraws one line at most once per interval and clears it at the end", () => {
    // Arrange
    const written: string[] = [];
    let now = 0;
    const progress = lineProgress({
      write: (s) => written.push(s),
      enabled: true,
      intervalMs: 100,
      now: () => now,
    });

    // Act: 1,000 lines per 50 ms
    for (let line = 1; line <= 4000; line += 1) {
      if (line % 1000 === 0) now += 50;
      progress.update(line, line / 8000);
    }
    progress.done();

    // Assert
    expect(written).toEqual(["\r\x1b[Kread 1,000 lines (12%)", "\r\x1b[Kread 3,000 lines (37%)", "\r\x1b[K"]);
  });
});
