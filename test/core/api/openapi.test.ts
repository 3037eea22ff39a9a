import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { API_ERRORS } from "../../../core/api/errors";
import { errorCodesOf, openApiDocument } from "../../../core/api/openapi";
import { API_ROUTES } from "../../../core/api/routes";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const doc = openApiDocument();

/** Every .ts file of the code that answers requests. */
function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** `status code` pairs the source can answer with: thrown DomainErrors, conflicts and the HTTP adapter's own. */
function thrownCodes(): Set<string> {
  const found = new Set<string>();
  const patterns: [RegExp, (m: RegExpMatchArray) => string][] = [
    [/new DomainError\(\s*(\d{3}),\s*"([a-z_]+)"/g, (m) => `${m[1]} ${m[2]}`],
    [/\bconflict\(\s*"([a-z_]+)"/g, (m) => `409 ${m[1]}`],
    [/\bconflict\(\s*[^"]*?\?\s*"([a-z_]+)"\s*:\s*"([a-z_]+)"/g, (m) => `409 ${m[1]}|409 ${m[2]}`],
    [/\bjson\(\s*(\d{3}),\s*errorBody\(\s*"([a-z_]+)"/g, (m) => `${m[1]} ${m[2]}`],
  ];
  for (const file of ["core", "functions", "adapters"].flatMap(sources)) {
    const text = readFileSync(file, "utf8");
    for (const [pattern, pair] of patterns)
      for (const match of text.matchAll(pattern)) for (const p of pair(match).split("|")) found.add(p);
  }
  return found;
}

/** Each `x-error-codes` list of the document, with the status it is documented under. */
function documentedCodes(): { route: string; status: number; code: string }[] {
  const out: { route: string; status: number; code: string }[] = [];
  for (const [p, item] of Object.entries(doc.paths ?? {}))
    for (const [method, op] of Object.entries(item ?? {})) {
      const responses = (op as { responses?: Record<string, { content?: Record<string, unknown> }> })
        .responses;
      for (const [status, response] of Object.entries(responses ?? {})) {
        const media = response.content?.["application/json"] as { "x-error-codes"?: string[] } | undefined;
        for (const code of media?.["x-error-codes"] ?? [])
          out.push({ route: `${method.toUpperCase()} ${p}`, status: Number(status), code });
      }
    }
  return out;
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with one operation per route of the contract", () => {
    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(doc.paths ?? {}).flatMap(([p, item]) =>
      Object.keys(item ?? {}).map((method) => `${method} ${p}`),
    );
    expect(operations.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("documents only error codes the code returns, each with the status the code gives it", () => {
    const thrown = thrownCodes();
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(API_ROUTES.length);
    const unknown = documented.filter((d) => !thrown.has(`${d.status} ${d.code}`));
    expect(unknown).toEqual([]);
  });

  it("lists every catalogued error code under some route, so the catalogue holds nothing unanswered", () => {
    const used = new Set(API_ROUTES.flatMap(errorCodesOf));
    expect(Object.keys(API_ERRORS).filter((code) => !used.has(code as keyof typeof API_ERRORS))).toEqual([]);
  });

  it("documents the request bodies with the schemas that validate them", () => {
    const decision = doc.components?.schemas?.DecisionRequest as {
      required?: string[];
      properties?: Record<string, unknown>;
      additionalProperties?: unknown;
    };
    expect(decision.required).toEqual(
      expect.arrayContaining(["experimentId", "unitId", "item", "prediction"]),
    );
    expect(decision.additionalProperties).toBe(false);
    const prediction = doc.components?.schemas?.Prediction as {
      properties: { confidence: { minimum: number; maximum: number } };
    };
    expect(prediction.properties.confidence).toMatchObject({ minimum: 0, maximum: 1 });
    const body = doc.paths?.["/v1/decisions"]?.post?.requestBody as {
      content: Record<string, { schema: { $ref: string } }>;
    };
    expect(body.content["application/json"]?.schema.$ref).toBe("#/components/schemas/DecisionRequest");
  });

  it("gives every JSON answer but the document itself a schema with its fields, not an open object", () => {
    const schemas = (doc.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
    const resolve = (schema: Record<string, unknown>) => {
      const ref = schema.$ref as string | undefined;
      return ref ? (schemas[ref.replace("#/components/schemas/", "")] ?? {}) : schema;
    };
    const open = API_ROUTES.filter(
      (route) => route.operationId !== "getOpenApi" && !route.success.contentType,
    )
      .filter((route) => {
        const op = (
          (doc.paths?.[route.path] ?? {}) as Record<string, { responses: Record<string, unknown> }>
        )[route.method];
        const answer = op?.responses[String(route.success.status)] as {
          content: Record<string, { schema: Record<string, unknown> }>;
        };
        const schema = resolve(answer.content["application/json"]?.schema ?? {});
        const variants = (schema.anyOf ?? schema.oneOf ?? [schema]) as Record<string, unknown>[];
        return variants.some(
          (v) => Object.keys((resolve(v).properties as object | undefined) ?? {}).length === 0,
        );
      })
      .map((route) => route.operationId);
    expect(open).toEqual([]);
  });

  it("documents the review and reviewer answers' fields", () => {
    const schemas = (doc.components?.schemas ?? {}) as Record<
      string,
      { properties?: Record<string, unknown> }
    >;
    expect(Object.keys(schemas.ReviewHandoff?.properties ?? {})).toEqual([
      "review",
      "labelOrder",
      "yours",
      "history",
    ]);
    expect(schemas.VerdictResult?.properties).toHaveProperty("verdict");
    expect(schemas.Standing?.properties).toHaveProperty("status", {
      type: "string",
      enum: ["qualifying", "qualified", "paused"],
    });
    expect(Object.keys(schemas.Scorecards?.properties ?? {})).toEqual(["from", "to", "reviewers", "queues"]);
    expect(schemas.Report?.properties).toHaveProperty("recommendation");
  });

  it("resolves every $ref to a component it holds", () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(10);
    const missing = refs.filter((name) => !(name && doc.components?.schemas?.[name]));
    expect(missing).toEqual([]);
  });

  it("needs no token for the public routes and names the roles of every other", () => {
    for (const route of API_ROUTES) {
      const item = (doc.paths?.[route.path] ?? {}) as Record<
        string,
        { security?: Record<string, string[]>[] }
      >;
      const op = item[route.method];
      if (route.roles === "public") expect(op?.security).toEqual([]);
      else expect(op?.security).toEqual([{ hitlJwt: route.roles.map((r) => `hitl/${r}`) }]);
    }
  });

  it("is the same document every time it is built", () => {
    expect(JSON.stringify(openApiDocument())).toBe(JSON.stringify(doc));
  });
});
