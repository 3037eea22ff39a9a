/**
 * Splits JSON Lines into parts of whole lines, each under `maxBytes` as UTF-8 (with its line
 * breaks), dropping blank lines and a byte-order mark. A single line over the limit is a part
 * of its own: the API answers it with 413, naming the limit.
 */
export function jsonLinesParts(text: string, maxBytes: number): string[] {
  const encoder = new TextEncoder();
  const out: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const size = encoder.encode(line).length + 1;
    if (bytes + size > maxBytes && current.length > 0) {
      out.push(current.join("\n"));
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) out.push(current.join("\n"));
  return out;
}
