/**
 * User-facing failures. A `SobolnetError` carries one line that names the bad value and what was
 * expected; the CLI prints exactly that line (no stack trace) and exits non-zero. Anything else
 * that escapes is a bug and is reported as such.
 */
export class SobolnetError extends Error {
  override readonly name = 'SobolnetError';
  constructor(message: string) {
    super(message);
  }
}

/** Throws a SobolnetError unless `condition` holds. Use at public edges, never in hot loops. */
export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new SobolnetError(message());
}

/** `value` must be an integer in [min, max]. `what` names it in the message. */
export function checkInt(value: number, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  check(Number.isInteger(value) && value >= min && value <= max, () =>
    `${what} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got ${String(value)}`);
  return value;
}

/** `value` must be a finite number in [min, max]. */
export function checkNumber(value: number, what: string, min: number, max = Number.POSITIVE_INFINITY): number {
  check(Number.isFinite(value) && value >= min && value <= max, () =>
    `${what} must be a number in [${min}, ${max}], got ${String(value)}`);
  return value;
}

/** `value` must be one of `allowed`. */
export function checkOneOf<T extends string>(value: string, what: string, allowed: readonly T[]): T {
  check((allowed as readonly string[]).includes(value), () =>
    `${what} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}
