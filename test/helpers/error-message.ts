/** The one-line message of the SobolnetError that `f` throws; fails the test when it throws nothing or something else. */
import { expect } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';

export function errorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SobolnetError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}
