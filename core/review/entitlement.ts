/**
 * Which queues a reviewer may work: patterns from the token's `queues` claim, comma-separated.
 * `*` is every queue; `default.*` is every tier of `default`; an exact name is that queue. Admins
 * see every queue. Without a claim a reviewer sees the first-tier queues and the audit queue only.
 */
export interface Reviewer {
  id: string;
  admin: boolean;
  queues: readonly string[];
}

export const DEFAULT_PATTERNS = ["*.", "audit"] as const;

export function parseQueuesClaim(claim: unknown): string[] {
  if (typeof claim !== "string" || claim.trim() === "") return [...DEFAULT_PATTERNS];
  return claim
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function canSee(reviewer: Reviewer, queue: string): boolean {
  if (reviewer.admin) return true;
  return reviewer.queues.some((pattern) => {
    if (pattern === "*") return true;
    // "*." means any first-tier queue (a name without a tier suffix).
    if (pattern === "*.") return !queue.includes(".");
    if (pattern.endsWith("*")) return queue.startsWith(pattern.slice(0, -1));
    return pattern === queue;
  });
}
