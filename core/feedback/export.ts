import { validationFailed } from "../errors";
import type { ValidationError } from "../experiments/validate";
import { canonicalIso } from "./iso";
import type { FeedbackFeed } from "./ports";
import type { FeedbackRecord } from "./record";
import { EXPORT_FORMATS, type ExportFormat, type TrainingLine, trainingLine } from "./types/export-formats";

export const DEFAULT_EXPORT_LIMIT = 100;
export const MAX_EXPORT_LIMIT = 1000;

export interface ExportQuery {
  since?: string;
  limit: number;
  /** The order key of the last record already returned. */
  after?: string;
  format: ExportFormat;
}

/** A feed position as the API hands it out: opaque to clients, base64url of a small JSON object. */
export const encodeCursor = (after: string): string =>
  Buffer.from(JSON.stringify({ after })).toString("base64url");

/** The order key `<producedAt>#<feedbackId>` a cursor holds; undefined when it is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const after = (value as { after?: unknown } | null)?.after;
    if (typeof after !== "string") return undefined;
    const [producedAt, ...id] = after.split("#");
    if (!producedAt || canonicalIso(producedAt) !== producedAt || id.join("#") === "") return undefined;
    return after;
  } catch {
    return undefined;
  }
}

const KNOWN = new Set(["since", "limit", "cursor", "format"]);

/** Validates `GET /v1/feedback`'s query; every error names its parameter. */
export function parseExportQuery(query: Readonly<Record<string, string | undefined>>): ExportQuery {
  const errors: ValidationError[] = [];
  for (const name of Object.keys(query))
    if (!KNOWN.has(name))
      errors.push({ path: name, message: "is not a parameter of this route (since, limit, cursor, format)" });
  const out: ExportQuery = { limit: DEFAULT_EXPORT_LIMIT, format: "records" };
  if (query.format !== undefined) {
    const format = EXPORT_FORMATS.find((f) => f === query.format);
    if (format) out.format = format;
    else
      errors.push({
        path: "format",
        message: `must be one of ${EXPORT_FORMATS.join(", ")}, got "${query.format}"`,
      });
  }
  if (query.since !== undefined) {
    const since = canonicalIso(query.since);
    if (since) out.since = since;
    else
      errors.push({
        path: "since",
        message: `must be an ISO 8601 date or date-time with a zone (2026-11-25T12:00:00Z), got "${query.since}"`,
      });
  }
  if (query.limit !== undefined) {
    const limit = /^\d{1,7}$/.test(query.limit) ? Number(query.limit) : Number.NaN;
    if (limit >= 1 && limit <= MAX_EXPORT_LIMIT) out.limit = limit;
    else
      errors.push({
        path: "limit",
        message: `must be a whole number from 1 to ${MAX_EXPORT_LIMIT}, got "${query.limit}"`,
      });
  }
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor);
    if (after) out.after = after;
    else
      errors.push({
        path: "cursor",
        message:
          "is not a cursor this API handed out; pass the x-next-cursor header of the previous page as is",
      });
  }
  if (errors.length > 0) throw validationFailed("query", errors);
  return out;
}

export interface ExportPage {
  records: FeedbackRecord[];
  /** The page's lines in the asked format: the records themselves, or the training lines they give. */
  lines: (FeedbackRecord | TrainingLine)[];
  /** Present when more records follow: pass it as `cursor` to get them. */
  nextCursor?: string;
}

/** One page of corrections in production order (producedAt, then feedbackId). */
export async function exportFeedback(
  deps: { feed: Pick<FeedbackFeed, "page"> },
  query: Readonly<Record<string, string | undefined>>,
): Promise<ExportPage> {
  const parsed = parseExportQuery(query);
  const { records, more } = await deps.feed.page({
    limit: parsed.limit,
    ...(parsed.since ? { since: parsed.since } : {}),
    ...(parsed.after ? { after: parsed.after } : {}),
  });
  const last = records[records.length - 1];
  // The cursor follows the records, so a page of a training format may hold fewer lines than records.
  const format = parsed.format;
  const lines =
    format === "records"
      ? records
      : records.flatMap((r) => {
          const line = trainingLine(r, format);
          return line ? [line] : [];
        });
  return { records, lines, ...(more && last ? { nextCursor: encodeCursor(feedKeyOf(last)) } : {}) };
}

/** The feed's order key of a record. */
export const feedKeyOf = (record: Pick<FeedbackRecord, "producedAt" | "feedbackId">) =>
  `${record.producedAt}#${record.feedbackId}`;

/** JSON Lines: one record per line, each line a complete JSON object. */
export const toJsonLines = (records: readonly object[]): string =>
  records.map((r) => `${JSON.stringify(r)}\n`).join("");
