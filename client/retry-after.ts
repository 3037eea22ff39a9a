/**
 * A `Retry-After` header's wait in milliseconds (RFC 9110 §10.2.3): delay-seconds or an HTTP date,
 * never negative; undefined when absent or unreadable, so the caller backs off as usual.
 */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names a day of the week first; this keeps "1.5" or "-3" from parsing as a date.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
