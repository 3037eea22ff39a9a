/** The console's pure parts: formatting, label choices, shortcuts. No DOM, so unit tests run in Node. */
import type { Prediction } from "./types";

/** Same share as the server's "near SLA" count: the last 20% of a tier's time. */
export const NEAR_SLA_SHARE = 0.2;

const pad = (n: number) => String(n).padStart(2, "0");

/** Whole seconds as a clock: `4:05`, `1:02:03`, `2d 01:02:03`. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (days > 0) return `${days}d ${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  if (hours > 0) return `${hours}:${pad(minutes)}:${pad(seconds)}`;
  return `${minutes}:${pad(seconds)}`;
}

export type SlaState = "ok" | "near" | "past";

export interface Countdown {
  text: string;
  state: SlaState;
  secondsLeft: number;
}

/** What is left of an item's SLA at `nowMs`, and whether it is near (last 20%) or past the deadline. */
export function slaCountdown(deadline: string, enqueuedAt: string, nowMs: number): Countdown {
  const end = Date.parse(deadline);
  if (!Number.isFinite(end))
    return { text: "no deadline", state: "ok", secondsLeft: Number.POSITIVE_INFINITY };
  const secondsLeft = Math.floor((end - nowMs) / 1000);
  if (secondsLeft < 0) return { text: `overdue by ${formatClock(-secondsLeft)}`, state: "past", secondsLeft };
  const start = Date.parse(enqueuedAt);
  const span = Number.isFinite(start) ? Math.max(1, (end - start) / 1000) : Number.POSITIVE_INFINITY;
  const state: SlaState = secondsLeft <= span * NEAR_SLA_SHARE ? "near" : "ok";
  return { text: `${formatClock(secondsLeft)} left`, state, secondsLeft };
}

/** A queue's oldest age, coarse enough to read at a glance: `45 s`, `12 min`, `2 h 05 min`, `3 d 4 h`. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** `0.9` → `90%`, `0.1234` → `12.3%`. */
export function formatPercent(share: number): string {
  return `${Number((Math.min(1, Math.max(0, share)) * 100).toFixed(1))}%`;
}

export interface LabelChoice {
  label: string;
  /** The digit that picks it (1..9); labels after the ninth have none. */
  shortcut?: string;
  /** Whether the model predicted this label (shown, never preselected: the reviewer decides). */
  predicted: boolean;
}

export type LabelInput =
  | { kind: "buttons"; choices: LabelChoice[] }
  /** The experiment allows any label: free text, with the model's labels as suggestions. */
  | { kind: "free"; suggestions: string[] };

export function labelInput(labels: readonly string[], prediction: Prediction): LabelInput {
  const unique = [...new Set(labels.filter((label) => label.trim() !== ""))];
  if (unique.length === 0) {
    const suggestions = [prediction.label, ...(prediction.alternatives ?? []).map((a) => a.label)];
    return { kind: "free", suggestions: [...new Set(suggestions.filter(Boolean))] };
  }
  return {
    kind: "buttons",
    choices: unique.map((label, index) => ({
      label,
      ...(index < 9 ? { shortcut: String(index + 1) } : {}),
      predicted: label === prediction.label,
    })),
  };
}

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** Focus is in a field where the key types text (notes, free-text label, token). */
  inTextField: boolean;
}

export type KeyAction = { type: "label"; index: number } | { type: "release" } | { type: "decide" };

/**
 * Shortcuts while an item is open: 1..9 pick a label, r releases, Ctrl/Cmd+Enter decides. Plain
 * keys are ignored while typing, and modified keys other than Ctrl/Cmd+Enter stay the browser's.
 */
export function keyAction(input: KeyInput, labelCount: number): KeyAction | undefined {
  if (input.key === "Enter" && (input.ctrlKey || input.metaKey) && !input.altKey) return { type: "decide" };
  if (input.ctrlKey || input.metaKey || input.altKey || input.inTextField) return undefined;
  if (/^[1-9]$/.test(input.key)) {
    const index = Number(input.key) - 1;
    return index < labelCount ? { type: "label", index } : undefined;
  }
  if (input.key === "r" || input.key === "R") return { type: "release" };
  return undefined;
}

export interface Bar {
  label: string;
  confidence: number;
  percent: string;
  predicted: boolean;
}

/** The prediction and its alternatives, most likely first, each label once. */
export function predictionBars(prediction: Prediction): Bar[] {
  const seen = new Set<string>();
  const all = [
    { label: prediction.label, confidence: prediction.confidence },
    ...(prediction.alternatives ?? []),
  ];
  const bars: Bar[] = [];
  for (const { label, confidence } of all) {
    if (seen.has(label)) continue;
    seen.add(label);
    const share = Number.isFinite(confidence) ? Math.min(1, Math.max(0, confidence)) : 0;
    bars.push({
      label,
      confidence: share,
      percent: formatPercent(share),
      predicted: label === prediction.label,
    });
  }
  return bars.sort((a, b) => b.confidence - a.confidence || Number(b.predicted) - Number(a.predicted));
}

/** A third of the lease, so two heartbeats can fail before it runs out; at least once a second. */
export function heartbeatIntervalMs(leaseSeconds: number): number {
  if (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0) return 10_000;
  return Math.max(1000, Math.floor((leaseSeconds * 1000) / 3));
}

/**
 * The message to show for a failed call: the API's `{ error: { message } }`, API Gateway's own
 * `{ message }` (401/403 from the authorizer), or the status when the body says nothing.
 */
export function apiErrorMessage(status: number, body: unknown): string {
  if (typeof body === "object" && body !== null) {
    const { error, message } = body as { error?: unknown; message?: unknown };
    if (typeof error === "object" && error !== null) {
      const text = (error as { message?: unknown }).message;
      if (typeof text === "string" && text !== "") return text;
    }
    if (typeof message === "string" && message !== "") return `${message} (HTTP ${status})`;
  }
  return `the API answered HTTP ${status}`;
}

/** An item field for display: text as is, anything structured as compact JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value) ?? String(value);
}

/** The path the API lives under, from the console's own path (`/console` or `/stage/console`). */
export function apiBase(pathname: string): string {
  return pathname.replace(/console\/?$/, "");
}
