/**
 * GrowthBook-compatible hashing: the same unit and seed give the same number in [0, 1) here as in
 * every GrowthBook SDK, so anyone can reproduce an assignment with a tool they already trust.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bit, over UTF-16 code units (what the JavaScript SDK hashes). */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

export type HashVersion = 1 | 2;

/**
 * `hash(seed, value, version)` as GrowthBook defines it:
 * - v1: `(fnv(value + seed) % 1000) / 1000`
 * - v2: `(fnv(String(fnv(seed + value))) % 10000) / 10000` (the double hash removes v1's bias)
 *
 * Returns `null` for an unknown version.
 */
export function hash(seed: string, value: string, version: number): number | null {
  if (version === 1) return (fnv1a32(value + seed) % 1000) / 1000;
  if (version === 2) return (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000;
  return null;
}

/** Hash version 2, the one hitl-lab assigns with; never null. */
export function hashV2(seed: string, value: string): number {
  return (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000;
}
