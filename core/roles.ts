/** The API's roles; each is an OAuth scope `hitl/<role>` on the bearer token. */
export const ROLES = ["producer", "reviewer", "analyst", "ml", "admin"] as const;
export type Role = (typeof ROLES)[number];
