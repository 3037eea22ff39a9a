import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/integration/**"],
          // Some suites start emulators (a JVM among them); two at a time fits these 2-core machines.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          // One local cloud (synthesized from the CDK app) serves every suite, one suite at a time,
          // so each suite can prove what it changed and what it did not.
          globalSetup: ["test/integration/global-setup.ts"],
          // Each suite stops the review workflows it started, so none writes into the next suite.
          setupFiles: ["test/integration/leave-nothing-running.ts"],
          fileParallelism: false,
          // The drills run their paths concurrently; three at a time keeps a loaded machine's
          // leases and queues' visibility timeouts from running out under them.
          maxConcurrency: 3,
        },
      },
    ],
  },
});
