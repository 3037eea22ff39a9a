/** `npm run openapi [-- FILE]`: writes the OpenAPI document (default dist/openapi.json, git-ignored). */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { openApiDocument } from "../core/api/openapi";

export const DEFAULT_OPENAPI_PATH = "dist/openapi.json";

export function writeOpenApi(file = DEFAULT_OPENAPI_PATH): string {
  const target = path.resolve(file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
  return target;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const written = writeOpenApi(process.argv[2]);
  console.log(`wrote ${path.relative(process.cwd(), written)}`);
}
