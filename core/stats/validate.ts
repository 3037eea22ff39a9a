/**
 * Argument checks shared by the statistics functions. Invalid arguments (negative counts, a
 * probability outside [0, 1], mismatched lengths) are caller bugs, so they throw a RangeError that
 * names the function and the argument; valid but uninformative data never throws.
 */

export function requireFinite(fn: string, name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${fn}: ${name} must be a finite number, got ${value}`);
}

export function requireNonNegative(fn: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be a finite number >= 0, got ${value}`);
  }
}

export function requireOpenUnit(fn: string, name: string, value: number): void {
  if (!(value > 0 && value < 1))
    throw new RangeError(`${fn}: ${name} must be strictly between 0 and 1, got ${value}`);
}

export function requirePositive(fn: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${fn}: ${name} must be a finite number > 0, got ${value}`);
  }
}
