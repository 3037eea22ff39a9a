import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { writeOpenApi } from "../../cli/write-openapi";
import { openApiDocument } from "../../core/api/openapi";

describe("npm run openapi", () => {
  it("writes the document the API serves, as JSON, creating the folder", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hitl-openapi-"));
    try {
      const file = writeOpenApi(path.join(dir, "nested", "openapi.json"));

      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(openApiDocument());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
