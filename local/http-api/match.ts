import type { RouteSpec } from "./spec";

type Segment =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "greedy"; readonly name: string };

interface CompiledRoute {
  readonly route: RouteSpec;
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly greedy: boolean;
}

export interface RouteMatch {
  readonly route: RouteSpec;
  readonly pathParameters: Record<string, string>;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function compile(route: RouteSpec): CompiledRoute | undefined {
  if (route.routeKey === "$default") return undefined;
  const space = route.routeKey.indexOf(" ");
  const method = route.routeKey.slice(0, space).toUpperCase();
  const segments = split(route.routeKey.slice(space + 1)).map((part): Segment => {
    const variable = /^\{(.+?)(\+)?\}$/.exec(part);
    if (!variable) return { kind: "literal", value: part };
    return variable[2]
      ? { kind: "greedy", name: variable[1] as string }
      : { kind: "param", name: variable[1] as string };
  });
  return { route, method, segments, greedy: segments.at(-1)?.kind === "greedy" };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function matches(compiled: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, segment] of compiled.segments.entries()) {
    if (segment.kind === "greedy") {
      // A greedy variable needs at least one segment.
      if (parts.length <= i) return undefined;
      params[segment.name] = parts.slice(i).map(decode).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === "literal" && decode(part) !== segment.value) return undefined;
    if (segment.kind === "param") params[segment.name] = decode(part);
  }
  return parts.length === compiled.segments.length ? params : undefined;
}

/** API Gateway's precedence: full matches before greedy ones, literals before variables, a method before ANY. */
function moreSpecific(a: CompiledRoute, b: CompiledRoute): number {
  if (a.greedy !== b.greedy) return a.greedy ? 1 : -1;
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const diff = RANK[(a.segments[i] as Segment).kind] - RANK[(b.segments[i] as Segment).kind];
    if (diff !== 0) return diff;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return (a.method === "ANY" ? 1 : 0) - (b.method === "ANY" ? 1 : 0);
}

/** Picks the route API Gateway would pick for a request, or the `$default` route, or nothing. */
export function createRouter(
  routes: readonly RouteSpec[],
): (method: string, path: string) => RouteMatch | undefined {
  const compiled = routes.map(compile).filter((route): route is CompiledRoute => route !== undefined);
  compiled.sort(moreSpecific);
  const fallback = routes.find((route) => route.routeKey === "$default");
  return (method, path) => {
    const parts = split(path);
    const upper = method.toUpperCase();
    for (const candidate of compiled) {
      if (candidate.method !== upper && candidate.method !== "ANY") continue;
      const pathParameters = matches(candidate, parts);
      if (pathParameters) return { route: candidate.route, pathParameters };
    }
    return fallback ? { route: fallback, pathParameters: {} } : undefined;
  };
}
