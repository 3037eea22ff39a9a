// The module boundaries are Biome rules (biome.json, noRestrictedImports per folder); `npm test` runs
// `biome check .`, so a violation fails it. These tests run the project's own config on fixtures.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const biome = path.join(root, "node_modules", ".bin", "biome");

/** Each fixture file holds one import; the violations must be reported, the allowed ones not. */
const VIOLATIONS: Record<string, string> = {
  "core/bad-sdk.ts": 'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";',
  "core/domain/bad-lambda-types.ts": 'import type { SQSEvent } from "aws-lambda";',
  "core/domain/bad-middy.ts": 'import middy from "@middy/core";',
  "core/domain/bad-powertools.ts": 'import { Logger } from "@aws-lambda-powertools/logger";',
  "core/domain/bad-adapter.ts": 'import { documentClient } from "../../adapters/dynamodb/client";',
  "core/domain/bad-function.ts": 'import { deps } from "../../functions/shared/deps";',
  "core/domain/bad-lib.ts": 'import { buildApp } from "../../lib/app";',
  "core/domain/bad-local.ts": 'import { startLocalCloud } from "../../local/cloud";',
  "functions/ingest/bad-sibling.ts": 'import { handler } from "../route-decision/handler";',
  "functions/ingest/bad-reexport.ts": 'export { handler } from "../route-decision/handler";',
  "functions/ingest/bad-lazy.ts": 'export const lazy = () => import("../route-decision/handler");',
  "functions/feedback-api/deployments/bad-sibling.ts": 'import { handler } from "../../ingest/handler";',
  "functions/ingest/bad-sdk.ts": 'import { SQSClient } from "@aws-sdk/client-sqs";',
  "functions/ingest/bad-local.ts": 'import { startLocalCloud } from "../../local/cloud";',
  "adapters/sqs/bad-function.ts": 'import { deps } from "../../functions/shared/deps";',
  "client/bad-sdk.ts": 'import { SFNClient } from "@aws-sdk/client-sfn";',
  "client/bad-adapter.ts": 'import { withRetries } from "../adapters/dynamodb/retry";',
  "client/bad-cli.ts": 'import { readDevConfig } from "../cli/dev-config";',
  "local/bad-core.ts": 'import { DomainError } from "../core/errors";',
  "local/stepfunctions/bad-type-only.ts": 'import type { Workflow } from "../../core/ports";',
  "local/stepfunctions/bad-lib.ts": 'import { buildApp } from "../../lib/app";',
};

const ALLOWED: Record<string, string> = {
  "core/domain/good.ts": [
    'import { randomUUID } from "node:crypto";',
    'import { z } from "zod";',
    'import { mean } from "hitl-lab/stats";',
    'import { DomainError } from "../errors";',
    'import { other } from "./other";',
  ].join("\n"),
  "functions/ingest/good.ts": [
    'import type { SQSEvent } from "aws-lambda";',
    'import { deps } from "../shared/deps";',
    'import { runRouter } from "../../adapters/sfn/router";',
    'import { DomainError } from "../../core/errors";',
    'import { own } from "./own";',
  ].join("\n"),
  "functions/feedback-api/deployments/good.ts": [
    'import { api } from "../handler";',
    'import { deps } from "../../shared/deps";',
    'import { parseSighting } from "../../../core/feedback/deployment";',
  ].join("\n"),
  "adapters/sqs/good.ts": [
    'import { SQSClient } from "@aws-sdk/client-sqs";',
    'import type { DeadLetter } from "../../core/ports";',
    'import { requireEnv } from "../dynamodb/client";',
  ].join("\n"),
  "client/good.ts": [
    'import { API_ROUTES } from "../core/api/routes";',
    'import { withRetries } from "../core/util/retry";',
    'import { HitlApiError } from "./errors";',
  ].join("\n"),
  "local/stepfunctions/good.ts": [
    'import { SQSClient } from "@aws-sdk/client-sqs";',
    'import type { ResolvedResource } from "../template/types";',
    'import { timerAt } from "./timers";',
  ].join("\n"),
};

interface Diagnostic {
  category: string;
  location: { path: string };
}

function lint(dir: string): { status: number | null; restricted: Diagnostic[] } {
  const run = spawnSync(biome, ["lint", "--reporter=json", "--max-diagnostics=none", "."], {
    cwd: dir,
    encoding: "utf8",
  });
  const report = JSON.parse(run.stdout) as { diagnostics: Diagnostic[] };
  return {
    status: run.status,
    restricted: report.diagnostics.filter((d) => d.category === "lint/style/noRestrictedImports"),
  };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hitl-boundaries-"));
  copyFileSync(path.join(root, "biome.json"), path.join(dir, "biome.json"));
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), `${source}\nexport const used = 1;\n`);
  }
  return dir;
}

describe("the module boundaries in lint", () => {
  const dirs: string[] = [];
  let violating: ReturnType<typeof lint>;
  let allowed: ReturnType<typeof lint>;

  beforeAll(() => {
    dirs.push(project(VIOLATIONS), project(ALLOWED));
    violating = lint(dirs[0] ?? "");
    allowed = lint(dirs[1] ?? "");
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("fails the lint run on a violation, so npm test fails", () => {
    // Arrange: the violating fixture project

    // Act
    const { status } = violating;

    // Assert
    expect(status).not.toBe(0);
  });

  it("reports every fixture that crosses a boundary: core, functions, adapters, client and local", () => {
    // Arrange
    const expected = Object.keys(VIOLATIONS).sort();

    // Act
    const flagged = [...new Set(violating.restricted.map((d) => d.location.path))].sort();

    // Assert
    expect(flagged).toEqual(expected);
  });

  it("lets each folder import what its boundary allows", () => {
    // Arrange: the allowed fixture project

    // Act
    const { status, restricted } = allowed;

    // Assert
    expect(restricted.map((d) => d.location.path)).toEqual([]);
    expect(status).toBe(0);
  });

  it("covers every source file: each lies at a depth the rules' per-depth patterns reach", () => {
    // Arrange: the depths (path segments below the folder) biome.json has overrides for
    const depths: Record<string, [min: number, max: number]> = {
      core: [1, 3],
      functions: [2, 3],
      adapters: [1, 2],
      local: [1, 3],
      client: [1, 1],
    };

    // Act
    const uncovered = Object.entries(depths).flatMap(([folder, [min, max]]) =>
      (readdirSync(path.join(root, folder), { recursive: true }) as string[])
        .filter((file) => file.endsWith(".ts"))
        .filter((file) => {
          const depth = file.split(path.sep).length;
          return depth < min || depth > max;
        })
        .map((file) => `${folder}/${file}`),
    );

    // Assert
    expect(uncovered).toEqual([]);
  });
});
