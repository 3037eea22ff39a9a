import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration suites start emulators (a JVM among them); two at a time fits these 2-core machines.
    maxWorkers: 2,
  },
});
