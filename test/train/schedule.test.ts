import { describe, expect, it } from 'vitest';
import { learningRate } from '../../src/train/schedule.js';

describe('learning-rate schedules', () => {
  it('cosine runs from lr0 to lr0·final along half a cosine', () => {
    const s = { kind: 'cosine', finalFraction: 0.1 } as const;
    expect(learningRate(s, 2, 0, 11, 0)).toBeCloseTo(2, 12);
    expect(learningRate(s, 2, 5, 11, 0)).toBeCloseTo(2 * (0.1 + 0.9 * 0.5), 12);
    expect(learningRate(s, 2, 10, 11, 0)).toBeCloseTo(0.2, 12);
  });
  it('step multiplies by gamma every `every` epochs', () => {
    const s = { kind: 'step', every: 3, gamma: 0.5 } as const;
    expect([0, 2, 3, 5, 6].map((e) => learningRate(s, 1, 0, 1, e))).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });
  it('constant is constant', () => {
    expect(learningRate({ kind: 'constant' }, 0.3, 17, 20, 4)).toBe(0.3);
  });
});
