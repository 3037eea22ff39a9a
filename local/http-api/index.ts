export { buildEvent, type HttpApiEvent } from "./event";
export { apiSpecs } from "./from-template";
export { createRouter } from "./match";
export { toHttpResponse } from "./response";
export { type HttpApiDeps, type HttpApiServer, MAX_BODY_BYTES, startHttpApi } from "./server";
export type { ApiSpec, RouteAuth, RouteSpec, RouteTarget } from "./spec";
