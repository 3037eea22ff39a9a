const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * An ISO 8601 date (`2026-11-25`) or date-time with a zone (`2026-11-25T12:00:00Z`, `…+02:00`) as the
 * canonical UTC form the feed keys use (`toISOString`); undefined when it is not one. JavaScript's
 * parser rolls 30 February over to March, so the calendar date is checked here.
 */
export function canonicalIso(text: string): string | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, y, m, d, hh, mm, ss] = match.map(Number);
  if (y === undefined || m === undefined || d === undefined) return undefined;
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  if ((hh ?? 0) > 23 || (mm ?? 0) > 59 || (ss ?? 0) > 59) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
