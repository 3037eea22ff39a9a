/** What a crash looks like to the code that retries: the process died after its last write. */
export class Crash extends Error {
  constructor(write: number) {
    super(`crashed after write ${write}`);
    this.name = "Crash";
  }
}

/**
 * Counts every write the given stores make and, when `after` is set, throws a {@link Crash} right
 * after the write with that number succeeded (once): the write is committed, nothing after it ran.
 */
export class WriteCrasher {
  writes = 0;
  crashed = false;
  constructor(private readonly after?: number) {}

  /** Wraps the named methods of `store` (each call that resolves is one write). */
  watch<T extends object>(store: T, methods: readonly (keyof T & string)[]): void {
    for (const name of methods) {
      const original = store[name] as unknown as (...args: unknown[]) => Promise<unknown>;
      const wrapped = async (...args: unknown[]) => {
        const result = await original.apply(store, args);
        this.writes++;
        if (!this.crashed && this.writes === this.after) {
          this.crashed = true;
          throw new Crash(this.writes);
        }
        return result;
      };
      Object.assign(store, { [name]: wrapped });
    }
  }
}

/** Runs a step the way its caller retries it (Step Functions, SQS, a client): again after a crash. */
export async function retried<T>(step: () => Promise<T>, onCrash: () => void = () => undefined): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
      onCrash();
    }
  }
}
