import { simulatedTraffic } from "./model";

/** The queue the demo experiment's held items wait in (its policies name none). */
export const DEMO_GOLD_QUEUE = "default";

export interface DemoGold {
  /** JSON Lines for `POST /v1/queues/{queue}/gold`. */
  text: string;
  /** The right label of each gold item, by {@link itemKey} of its item. */
  truths: Map<string, string>;
}

/** A key of an item that does not depend on the order of its fields (a stored item may come back reordered). */
export const itemKey = (item: Readonly<Record<string, unknown>>): string =>
  JSON.stringify(
    Object.keys(item)
      .sort()
      .map((k) => [k, item[k]]),
  );

/**
 * Gold items for the demo: drawn from the same simulated traffic as the demo's decisions (the same
 * fields, confidences and alternatives, so nothing tells them apart), each with its true label.
 * Fixed ids and a fixed seed, so seeding the demo again uploads the same items (which changes nothing).
 */
export function demoGold(count = 20, seed = 2026): DemoGold {
  const next = simulatedTraffic({ seed });
  const truths = new Map<string, string>();
  const lines: string[] = [];
  for (let i = 1; lines.length < count; ) {
    const { item, prediction, truth } = next();
    // Only items both demo arms would hold in `default` (legal, or below the lower threshold; not
    // fraud or high value, which have queues of their own): a gold item is one a reviewer would see there.
    const held = item.topic === "legal" || prediction.confidence < 0.8;
    if (!held || item.topic === "fraud" || item.amount > 5000) continue;
    truths.set(itemKey(item), truth);
    lines.push(
      JSON.stringify({
        goldId: `demo-gold-${i++}`,
        item,
        prediction,
        label: truth,
        explanation: `A known-answer item of the demo: the right label is "${truth}".`,
      }),
    );
  }
  return { text: lines.join("\n"), truths };
}
