/**
 * The Joe–Kuo table in two parts (src/sequences/sobol-table.ts): the built-in head serves
 * components 0..255 without loading anything; beyond it, decoding before loadSobolTable() is a
 * one-line error, and after it every component matches the golden reference bit for bit. This file
 * runs in a process of its own (vitest forks), so the table starts unloaded here.
 */
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { JOE_KUO_BITS } from '../../src/sequences/joe-kuo-table.js';
import { JOE_KUO_HEAD_BITS, JOE_KUO_HEAD_LINES } from '../../src/sequences/joe-kuo-head.js';
import { SOBOL_COMPONENTS, directionNumbers, sobolComponent } from '../../src/sequences/sobol.js';
import { SOBOL_BUILTIN_COMPONENTS, loadSobolTable, sobolComponentAvailable } from '../../src/sequences/sobol-table.js';
import { readGolden } from './helpers.js';

interface GoldenSobol { points: { component: number; directionNumbers: number[]; natural: number[] }[] }
const golden = readGolden<GoldenSobol>('golden-sobol.json');

describe('the Joe–Kuo table, head built in and the rest on demand', () => {
  it('has a head that is a prefix of the whole table', () => {
    expect(SOBOL_BUILTIN_COMPONENTS).toBe(JOE_KUO_HEAD_LINES + 1);
    expect(JOE_KUO_BITS.startsWith(JOE_KUO_HEAD_BITS)).toBe(true);
    expect(JOE_KUO_HEAD_BITS.length).toBeLessThan(3000);
  });

  it('refuses components beyond the head with one line until the table is loaded, then matches the golden values', async () => {
    const beyond = golden.points.filter((g) => g.component >= SOBOL_BUILTIN_COMPONENTS);
    const within = golden.points.filter((g) => g.component < SOBOL_BUILTIN_COMPONENTS);
    expect(beyond.length).toBeGreaterThan(0);
    expect(within.length).toBeGreaterThan(0);
    for (const g of within) expect(Array.from(directionNumbers(g.component))).toEqual(g.directionNumbers);
    expect(sobolComponentAvailable(SOBOL_BUILTIN_COMPONENTS - 1)).toBe(true);
    expect(sobolComponentAvailable(SOBOL_BUILTIN_COMPONENTS)).toBe(false);
    const error = (() => { try { sobolComponent(SOBOL_BUILTIN_COMPONENTS, 0, 4); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(SobolnetError);
    expect((error as Error).message).toBe("Sobol' component 256 is beyond the 256 built in: await loadSobolTable() first (it loads the whole Joe–Kuo table)");

    await loadSobolTable();
    await loadSobolTable();   // idempotent
    expect(sobolComponentAvailable(SOBOL_COMPONENTS - 1)).toBe(true);
    for (const g of beyond) {
      expect(Array.from(directionNumbers(g.component))).toEqual(g.directionNumbers);
      expect(Array.from(sobolComponent(g.component, 0, 64))).toEqual(g.natural);
    }
  });
});
