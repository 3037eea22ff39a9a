/**
 * Per-person roles on AWS. The browser pages' app client may ask for every role's scope, so the
 * scopes a person's access token keeps come from their user-pool groups: `hitl-<role>` grants
 * `hitl/<role>`, and every other role scope the token would carry is suppressed. A reviewer's
 * queues (core/review/entitlement.ts) come from their `custom:queues` attribute.
 */
import { ROLES, type Role } from "../roles";

export const ROLE_GROUP_PREFIX = "hitl-";

/** The user-pool group that grants `role`. */
export const groupOf = (role: Role): string => `${ROLE_GROUP_PREFIX}${role}`;

/** The roles a person's groups grant, in the API's order. */
export function rolesOf(groups: readonly string[]): Role[] {
  return ROLES.filter((role) => groups.includes(groupOf(role)));
}

export interface TokenOverride {
  /** Role scopes the access token must not carry. */
  scopesToSuppress: string[];
  /** Claims to set on the access token (a reviewer's queues). */
  claimsToAddOrOverride?: Record<string, string>;
}

/**
 * What a person's access token keeps: the role scopes of their groups only, whatever the client
 * asked for (`resourceServer` is the scopes' prefix, `hitl`). No group, no role.
 */
export function tokenOverride(person: {
  groups: readonly string[];
  queues?: string;
  resourceServer?: string;
}): TokenOverride {
  const server = person.resourceServer ?? "hitl";
  const granted = new Set(rolesOf(person.groups));
  const queues = person.queues?.trim();
  return {
    scopesToSuppress: ROLES.filter((role) => !granted.has(role)).map((role) => `${server}/${role}`),
    ...(queues ? { claimsToAddOrOverride: { queues } } : {}),
  };
}
