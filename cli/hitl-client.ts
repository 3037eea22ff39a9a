import { HitlApiError, HitlClient, type HitlClientOptions } from "../client";
import { type DevConfig, readDevConfig } from "./dev-config";

export { HitlApiError };

type Role = keyof DevConfig["tokens"];

/**
 * The API client (`hitl-lab/client`) for a role. Locally it takes the URL and the role's token
 * from .hitl/dev.json; against AWS set HITL_API_URL and HITL_TOKEN.
 */
export function clientFor(
  role: Role,
  config?: DevConfig,
  options: Partial<Omit<HitlClientOptions, "baseUrl" | "token">> = {},
): HitlClient {
  if (process.env.HITL_API_URL && process.env.HITL_TOKEN)
    return new HitlClient({ ...options, baseUrl: process.env.HITL_API_URL, token: process.env.HITL_TOKEN });
  const dev = config ?? readDevConfig();
  return new HitlClient({ ...options, baseUrl: dev.apiUrl, token: dev.tokens[role] });
}
