/**
 * Option parsers for the command line. Each throws commander's InvalidArgumentError with what was
 * expected; commander prefixes the option and the bad value, giving one clear line.
 */
import { InvalidArgumentError } from 'commander';

export function parseInteger(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const integer = /^-?\d+$/.test(text);
    // Compared as text: a number beyond 2^53 - 1 has already lost its last digits as a double.
    if (integer && max === Number.MAX_SAFE_INTEGER && BigInt(text) > BigInt(max)) {
      throw new InvalidArgumentError(`the value must be at most ${max} (2^53 − 1).`);
    }
    const n = Number(text);
    if (!integer || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}].`);
    }
    return n;
  };
}

export function parseNumber(min: number, max = Number.POSITIVE_INFINITY, minExclusive = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (minExclusive && n === min)) {
      throw new InvalidArgumentError(`expected a number in ${minExclusive ? '(' : '['}${min}, ${max}].`);
    }
    return n;
  };
}

/** "784-1024-1024-10" -> [784, 1024, 1024, 10]. */
export function parseWidths(value: string): number[] {
  const parts = value.split(/[-,x]/);
  const widths = parts.map(Number);
  if (parts.length < 2 || widths.some((w, i) => !/^\d+$/.test(parts[i]) || !Number.isSafeInteger(w) || w < 1 || w > 1 << 24)) {
    throw new InvalidArgumentError('expected at least two widths in [1, 16777216] joined by "-", e.g. 784-1024-1024-10.');
  }
  return widths;
}

/** "0,1,2" -> [0, 1, 2]. */
export function parseIntegerList(value: string): number[] {
  const parts = value.split(',');
  const list = parts.map(Number);
  if (list.some((c, i) => !/^\d+$/.test(parts[i].trim()) || !Number.isSafeInteger(c))) {
    throw new InvalidArgumentError('expected non-negative integers joined by ",", e.g. 0,1,2.');
  }
  return list;
}
