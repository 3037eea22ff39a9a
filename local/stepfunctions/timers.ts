// Timers for task and execution deadlines.

const MAX_TIMER_MS = 2_000_000_000;

/** setTimeout for any distance (Node caps single timers at ~24.8 days); returns a cancel function. */
export function timerAt(at: number, fire: () => void): () => void {
  let handle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const wait = at - Date.now();
    if (wait <= 0) {
      handle = undefined;
      fire();
      return;
    }
    handle = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
  };
  handle = setTimeout(arm, Math.max(0, Math.min(at - Date.now(), MAX_TIMER_MS)));
  return () => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
  };
}

export function nextMacrotask(): Promise<void> {
  return new Promise((resolveTick) => setImmediate(resolveTick));
}
