/**
 * Generates examples/history.jsonl: 2,000 synthetic historical decisions of a claims-triage model
 * for `hitl replay`, reproducibly (seeded). Five lines are deliberately bad, to show how the replay
 * reports and skips them (see docs/replay.md).
 *
 *   npx tsx examples/generate-history.ts
 */

import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../core/simulation/random";

const LINES = 2000;
const SEED = 20_240_605;
const LABELS = ["approve", "reject", "investigate"] as const;
const TOPICS: [topic: string, weight: number][] = [
  ["motor", 0.4],
  ["property", 0.3],
  ["health", 0.2],
  ["fraud", 0.06],
  ["legal", 0.04],
];

// The simulator's seeded generator (mulberry32): the seed makes the file reproducible.
const random = seededRandom(SEED);

/** Box–Muller; 1 − u keeps the logarithm finite. */
function normal(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Marsaglia–Tsang for shape ≥ 1 (all shapes used here are). */
function gamma(shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(a: number, b: number): number {
  const x = gamma(a);
  return x / (x + gamma(b));
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function pickTopic(): string {
  let u = random();
  for (const [topic, weight] of TOPICS) {
    u -= weight;
    if (u < 0) return topic;
  }
  return "motor";
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function decision(index: number): Record<string, unknown> {
  // Most claims are easy (confidence near 1), a minority is hard: a two-component Beta mixture.
  const confidence = round(random() < 0.7 ? beta(22, 1.1) : beta(5, 2.5), 3);
  const label = pick(LABELS);
  // Calibrated-ish: correct with probability close to the confidence, slightly better at the top.
  const correct = random() < 1 - 0.85 * (1 - confidence);
  const truth = correct ? label : pick(LABELS.filter((other) => other !== label));
  const record: Record<string, unknown> = {
    id: `d-${String(index).padStart(5, "0")}`,
    confidence,
    label,
    truth,
    costUsd: 0.002,
  };
  // A few exports lack the topic or the handling time: the replay must cope.
  if (random() >= 0.03) record.topic = pickTopic();
  if (random() >= 0.05) {
    const slower = record.topic === "legal" ? 2 : 1;
    record.handlingSeconds = round(slower * Math.exp(Math.log(90) + 0.5 * normal()), 1);
  }
  return record;
}

/** Deliberately bad lines, by line number: each shows one kind of problem the replay reports. */
const BAD_LINES: Record<number, string> = {
  118: '{"id":"d-00118","confidence":0.91,"label":"approve"',
  731: '{"id":"d-00731","confidence":"0.88","label":"reject","truth":"reject","costUsd":0.002}',
  1204: '{"id":"d-01204","confidence":0.97,"label":"approve","costUsd":0.002,"handlingSeconds":75}',
  1650: '{"id":"d-01650","confidence":1.2,"label":"approve","truth":"approve","costUsd":0.002}',
  1999: '{"id":"d-01999","confidence":0.64,"label":null,"truth":"investigate","costUsd":0.002}',
};

const lines: string[] = [];
for (let line = 1; line <= LINES; line += 1) {
  // Draw a record even for bad lines so the good ones do not shift when the bad set changes.
  const record = decision(line);
  lines.push(BAD_LINES[line] ?? JSON.stringify(record));
}

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "history.jsonl");
writeFileSync(out, `${lines.join("\n")}\n`);
console.log(`wrote ${lines.length} lines to ${path.relative(process.cwd(), out)}`);
