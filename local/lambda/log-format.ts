// Makes functions' JSON log lines readable in a terminal (`hitl dev`): Powertools Logger lines become
// `LEVEL message key=value ...`, EMF metric lines `metrics Name=value ... {dimensions}`. Any other line,
// or one that does not parse, is left as it is. Only for people: programs read the raw lines.

type Fields = Record<string, unknown>;

/** Keys every Powertools line carries; they add nothing when reading one function's output. */
const QUIET = new Set([
  "level",
  "message",
  "timestamp",
  "service",
  "sampling_rate",
  "function_arn",
  "function_memory_size",
  "function_name",
  "xray_trace_id",
]);

const isObject = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const show = (value: unknown): string =>
  typeof value === "string" && !/\s/.test(value) ? value : JSON.stringify(value);

function parse(line: string): Fields | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function metricsLine(fields: Fields, aws: Fields): string {
  const directives = Array.isArray(aws.CloudWatchMetrics) ? aws.CloudWatchMetrics : [];
  const names = directives.flatMap((d) =>
    isObject(d) && Array.isArray(d.Metrics) ? d.Metrics.map((m) => (isObject(m) ? String(m.Name) : "")) : [],
  );
  const dimensions = directives.flatMap((d) =>
    isObject(d) && Array.isArray(d.Dimensions) ? d.Dimensions.flat().map(String) : [],
  );
  const values = names.filter(Boolean).map((name) => `${name}=${show(fields[name])}`);
  const dims = [...new Set(dimensions)].map((name) => `${name}=${show(fields[name])}`);
  return `metrics ${values.join(" ")}${dims.length > 0 ? ` {${dims.join(", ")}}` : ""}`;
}

export function prettyLogLine(line: string): string {
  const fields = parse(line);
  if (fields === undefined) return line;
  if (isObject(fields._aws)) return metricsLine(fields, fields._aws);
  if (typeof fields.level !== "string" || typeof fields.message !== "string") return line;
  const rest = Object.entries(fields)
    .filter(([key]) => !QUIET.has(key))
    .map(([key, value]) => `${key}=${show(value)}`);
  return [fields.level.padEnd(5), fields.message, ...rest].join(" ");
}

/** A forwarded function line, `[FunctionName] <line>`, with its line made readable. */
export function prettyFunctionLine(forwarded: string): string {
  const match = /^(\[[^\]]+\] )(.*)$/s.exec(forwarded);
  return match ? `${match[1]}${prettyLogLine(match[2] ?? "")}` : forwarded;
}
