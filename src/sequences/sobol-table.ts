/**
 * Where the Sobol' direction numbers come from: the Joe–Kuo table (scripts/convert-joe-kuo.ts),
 * in two parts. The head (components 0 .. SOBOL_BUILTIN_COMPONENTS - 1, about 2 KB) is built in:
 * every default network uses components 0 .. L and, for qmc-normal and fixed-sign weights,
 * 64 + l, so it needs nothing else. The whole table (526 KB of source, 21,201 components) is a
 * module of its own, so that a browser bundle of the main entry does not carry it:
 * - `loadSobolTable()` loads it on demand (a dynamic import: a separate chunk in a bundle);
 * - in Node the package's entries register it at start-up (sobolnet's "node" export condition,
 *   `sobolnet/node`, the CLI), where 526 KB of source costs a millisecond and nothing to download.
 * Decoding a component beyond the head before then is a one-line SobolnetError that says so.
 */
import { SobolnetError } from '../core/errors.js';
import { JOE_KUO_HEAD_BITS, JOE_KUO_HEAD_LINES } from './joe-kuo-head.js';

/** Components decodable without loading the table: 0 (van der Corput) and the head's lines. */
export const SOBOL_BUILTIN_COMPONENTS = JOE_KUO_HEAD_LINES + 1;

/** The table's bits: the head's until the whole table is registered. */
let bits: string = JOE_KUO_HEAD_BITS;
let full = false;

/** Registers the whole table's bitstream (JOE_KUO_BITS of joe-kuo-table.ts, of which the head is a prefix). */
export function useJoeKuoTable(tableBits: string): void {
  if (!tableBits.startsWith(JOE_KUO_HEAD_BITS.slice(0, -1))) throw new Error('useJoeKuoTable: not the Joe–Kuo table of this build');
  bits = tableBits;
  full = true;
}

/** Whether the direction numbers of `component` can be decoded now (no check of its range). */
export function sobolComponentAvailable(component: number): boolean {
  return full || component < SOBOL_BUILTIN_COMPONENTS;
}

/**
 * Loads the whole Joe–Kuo table, so that every Sobol' component 0 .. 21200 decodes. Needed only in a
 * browser, and only for components from SOBOL_BUILTIN_COMPONENTS (256) on; resolves at once where
 * the table is already there. Bundlers put the table (about 400 KB gzipped) in a chunk of its own.
 */
export async function loadSobolTable(): Promise<void> {
  if (full) return;
  const { JOE_KUO_BITS } = await import('./joe-kuo-table.js');
  useJoeKuoTable(JOE_KUO_BITS);
}

/** Throws the one-line error for a component that needs the whole table before it is loaded. */
export function checkComponentAvailable(component: number): void {
  if (sobolComponentAvailable(component)) return;
  throw new SobolnetError(`Sobol' component ${component} is beyond the ${SOBOL_BUILTIN_COMPONENTS} built in: ` +
    'await loadSobolTable() first (it loads the whole Joe–Kuo table)');
}

/** The bitstream to decode from: the head's, or the whole table's once registered. */
export function joeKuoBits(): string {
  return bits;
}
