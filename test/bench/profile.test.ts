import { describe, expect, it } from "vitest";
import {
  benchProfiles,
  type CpuProfile,
  originOf,
  selfTimeByOrigin,
  threadKindOf,
} from "../../bench/profile";
import { edgeBudget } from "../../bench/scenarios/routing";

describe("the edge CPU budget", () => {
  it("divides a decision's CPU by the CPU of its own puts at the same run's floor", () => {
    // Arrange: the 2026-12-03 run of the issue (26.1 ms per decision, 2.93 ms per floor put)

    // Act
    const budget = edgeBudget(26.1, 2.48, 2.93);

    // Assert
    expect(budget.ownWritesMs).toBeCloseTo(7.27, 2);
    expect(budget.overheadMs).toBeCloseTo(18.83, 2);
    expect(budget.ratio).toBeCloseTo(3.59, 2);
  });
});

describe("CPU profile summaries", () => {
  it("sums self time per origin from the samples' time deltas", () => {
    // Arrange
    const frame = (functionName: string, url: string) => ({
      functionName,
      url,
      lineNumber: 0,
      columnNumber: 0,
    });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", "") },
        { id: 2, callFrame: frame("send", "file:///p/node_modules/@smithy/core/x.js") },
        { id: 3, callFrame: frame("route", "file:///p/core/routing/route.ts") },
        { id: 4, callFrame: frame("(garbage collector)", "") },
      ],
      samples: [2, 3, 2, 4, 1],
      timeDeltas: [1000, 2000, 3000, 500, 250],
    };

    // Act
    const byOrigin = selfTimeByOrigin(profile, (f) => originOf(f.url, "/p"));

    // Assert
    expect(byOrigin).toEqual({
      "AWS SDK (@aws-sdk, @smithy)": 4,
      "project: core/": 2,
      GC: 0.5,
      "V8 / native (program)": 0.25,
    });
  });

  it("names origins by package family, project folder or Node itself", () => {
    // Arrange
    const sources = [
      "/p/node_modules/@aws-lambda-powertools/logger/lib/esm/Logger.js",
      "/p/node_modules/aws-xray-sdk-core/dist/lib/segment.js",
      "/p/node_modules/.pnpm/x/node_modules/@middy/core/index.js",
      "/p/node_modules/aws-local-stepfunctions/build/main.node.esm.js",
      "/p/local/stepfunctions/runner.ts",
      "node:internal/streams/readable",
      "/elsewhere/file.js",
    ];

    // Act
    const origins = sources.map((s) => originOf(s, "/p"));

    // Assert
    expect(origins).toEqual([
      "Powertools",
      "X-Ray SDK",
      "middy",
      "aws-local-stepfunctions",
      "project: local/",
      "Node.js internals",
      "other",
    ]);
  });

  it("tells the main thread's profile from the workers' by Node's file names", () => {
    // Arrange
    const files = [
      "CPU.20261204.033204.14999.0.001.cpuprofile",
      "CPU.20261204.033204.14999.7.012.cpuprofile",
    ];

    // Act
    const kinds = files.map(threadKindOf);

    // Assert
    expect(kinds).toEqual(["main thread", "Lambda workers"]);
  });

  it("keeps the benchmark's process: the one with the most threads, not npm's or tsx's", () => {
    // Arrange
    const files = [
      "CPU.20261204.1.100.0.001.cpuprofile",
      "CPU.20261204.1.200.0.001.cpuprofile",
      "CPU.20261204.1.200.3.002.cpuprofile",
      "CPU.20261204.1.200.4.003.cpuprofile",
    ];

    // Act
    const kept = benchProfiles(files);

    // Assert
    expect(kept).toEqual(files.slice(1));
  });
});
