/**
 * One-dimensional components of the Sobol' sequence in base 2 with the Joe–Kuo direction numbers
 * (new-joe-kuo-6.21201), as 32-bit integers floor(x * 2^32).
 *
 * Component 0 is the van der Corput sequence (all m_j = 1); component k >= 1 is line d = k + 1 of
 * the Joe–Kuo file. With 32 direction numbers v_1..v_32 (v_j = m_j << (32 - j)), point i of a
 * component in natural order is the XOR of v_j over the set bits j-1 of i; Gray-code order visits
 * point gray(i) = i ^ (i >>> 1) at step i. Since gray(i) >>> m = gray(i >>> m), Gray order visits
 * the aligned block k of 2^m indices as the natural block gray(k) in another order: the first 2^m
 * points are the same set in both orders, and both orders share the (0,1)-sequence property (each
 * aligned block of 2^m points has one point in each interval [a/2^m, (a+1)/2^m)). Each component
 * has 2^32 points.
 *
 * Shape legend: N number of points.
 */
import { check, checkInt, checkOneOf } from '../core/errors.js';
import { JOE_KUO_DEGREE_COUNTS } from './joe-kuo-head.js';
import { checkComponentAvailable, joeKuoBits } from './sobol-table.js';

/** The enumeration order of Sobol' points: natural (point i) or Gray code (point i ^ (i >>> 1)). */
export type SobolOrder = 'natural' | 'gray';
/** Every SobolOrder. */
export const SOBOL_ORDERS: readonly SobolOrder[] = ['natural', 'gray'];

/** Components 0 .. SOBOL_COMPONENTS-1: van der Corput, then the 21,200 Joe–Kuo dimensions 2..21201. */
export const SOBOL_COMPONENTS = 21201;
/** Bits per value (direction numbers per component). */
export const SOBOL_BITS = 32;
/** Points per component: indices 0 .. 2^32 - 1. */
export const SOBOL_POINTS = 4294967296;

// ---------------------------------------------------------------------------------------------
// Direction numbers, decoded lazily from the generated table (format: scripts/convert-joe-kuo.ts;
// which part of it is loaded: sobol-table.ts).

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
let base64Values: Uint8Array | null = null;

/** The `width` (<= 31) bits of the table bitstream `table` starting at bit `pos`, MSB first. */
function readBits(table: string, pos: number, width: number): number {
  if (base64Values === null) {
    base64Values = new Uint8Array(128);
    for (let c = 0; c < 64; c++) base64Values[BASE64_ALPHABET.charCodeAt(c)] = c;
  }
  const values = base64Values;
  let v = 0;
  for (let end = pos + width; pos < end; pos++) {
    const c = values[table.charCodeAt((pos / 6) | 0)];
    v = (v << 1) | ((c >>> (5 - (pos % 6))) & 1);
  }
  return v;
}

/** Bits one table line of degree s takes: a in s-1 bits, (m_i - 1)/2 in i-1 bits for i = 2..s. */
function lineBits(s: number): number {
  return ((s - 1) * (s + 2)) / 2;
}

/**
 * The direction numbers v_1..v_32 (at indices 0..31) of a component, from the table (no cache, no
 * range check; a SobolnetError when the component needs the whole table and it is not loaded).
 */
function decodeDirectionNumbers(component: number): Uint32Array {
  const v = new Uint32Array(SOBOL_BITS);
  if (component === 0) {
    for (let j = 0; j < SOBOL_BITS; j++) v[j] = 1 << (31 - j);   // van der Corput: m_j = 1
    return v;
  }
  checkComponentAvailable(component);
  const table = joeKuoBits();
  // Locate line `component - 1`: lines are sorted by degree, so whole degree groups are skipped.
  let line = component - 1;
  let pos = 0;
  let s = 1;
  while (line >= JOE_KUO_DEGREE_COUNTS[s - 1]) {
    line -= JOE_KUO_DEGREE_COUNTS[s - 1];
    pos += JOE_KUO_DEGREE_COUNTS[s - 1] * lineBits(s);
    s++;
  }
  pos += line * lineBits(s);
  const a = readBits(table, pos, s - 1);
  pos += s - 1;
  v[0] = 1 << 31;   // m_1 = 1
  for (let i = 2; i <= s; i++) {
    const m = 2 * readBits(table, pos, i - 1) + 1;
    pos += i - 1;
    v[i - 1] = m << (32 - i);
  }
  // m_j = 2 a_1 m_{j-1} ^ 4 a_2 m_{j-2} ^ ... ^ 2^(s-1) a_(s-1) m_{j-s+1} ^ 2^s m_{j-s} ^ m_{j-s}, with
  // a_k bit s-1-k of a; on v_j = m_j << (32 - j) every factor 2^k cancels the extra shift.
  for (let j = s + 1; j <= SOBOL_BITS; j++) {
    let x = v[j - s - 1] ^ (v[j - s - 1] >>> s);
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[j - k - 1];
    v[j - 1] = x;
  }
  return v;
}

const directionCache: (Uint32Array | undefined)[] = [];

/** Cached direction numbers of a valid component; callers must not modify the array. */
function cachedDirectionNumbers(component: number): Uint32Array {
  let v = directionCache[component];
  if (v === undefined) {
    v = decodeDirectionNumbers(component);
    directionCache[component] = v;
  }
  return v;
}

function checkComponent(component: number): void {
  checkInt(component, "Sobol' component", 0, SOBOL_COMPONENTS - 1);
}

/** The 32 direction numbers v_1..v_32 of `component` (index j-1 holds v_j = m_j << (32-j)); a fresh copy. */
export function directionNumbers(component: number): Uint32Array {
  checkComponent(component);
  return cachedDirectionNumbers(component).slice();
}

// ---------------------------------------------------------------------------------------------
// Generation.

/** Index of the lowest set bit of a non-zero 32-bit pattern. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Point `index` (< 2^32) in natural order: XOR of v_j over the set bits j-1 of index. */
function pointAt(v: Uint32Array, index: number): number {
  let x = 0;
  for (let b = index | 0; b !== 0; b &= b - 1) x ^= v[ctz(b)];
  return x;
}

/** Below this count a call steps point to point instead of building its 256-entry tables. */
const TABLE_MIN_COUNT = 512;
const LOW_BITS = 8;
const LOW = 1 << LOW_BITS;

/**
 * out[0..N) = points start .. start+N-1 (natural) or gray(start) .. gray(start+N-1) (Gray), N >= 1.
 *
 * Small N steps: natural x(i+1) = x(i) ^ (v_1 ^ .. ^ v_{c+1}) with c the number of trailing ones
 * of i (i and i+1 differ in exactly bits 0..c); Gray x(gray(i+1)) = x(gray(i)) ^ v_{ctz(i+1)+1}.
 * Large N works on aligned blocks of 256 indices: i = b + r with b a multiple of 256 and r < 256,
 * so i = b ^ r and, both maps being linear over GF(2), x(i) = x(b) ^ x(r) and
 * x(gray(i)) = x(gray(b)) ^ x(gray(r)): one 256-entry table per call, then one XOR per point.
 */
function fillPoints(v: Uint32Array, start: number, count: number, gray: boolean, out: Uint32Array): void {
  if (count < TABLE_MIN_COUNT) {
    if (gray) {
      let x = pointAt(v, start ^ (start >>> 1));
      out[0] = x;
      for (let n = 1, i = start + 1; n < count; n++, i++) {
        x ^= v[ctz(i)];
        out[n] = x;
      }
    } else {
      const prefix = new Uint32Array(SOBOL_BITS);
      for (let j = 0, p = 0; j < SOBOL_BITS; j++) {
        p ^= v[j];
        prefix[j] = p;
      }
      let x = pointAt(v, start);
      out[0] = x;
      for (let n = 1, i = start; n < count; n++, i++) {
        x ^= prefix[ctz(~i)];
        out[n] = x;
      }
    }
    return;
  }
  const table = new Uint32Array(LOW);   // table[r] = x(r), then x(gray(r)) for Gray order
  for (let r = 1; r < LOW; r++) table[r] = table[r & (r - 1)] ^ v[ctz(r)];
  if (gray) {
    const natural = table.slice();
    for (let r = 1; r < LOW; r++) table[r] = natural[r ^ (r >>> 1)];
  }
  let n = 0;
  let i = start;
  while (n < count) {
    const r0 = i & (LOW - 1);
    const b = i - r0;
    const base = pointAt(v, gray ? b ^ (b >>> 1) : b);
    const r1 = Math.min(LOW, r0 + count - n);
    const offset = n - r0;
    for (let r = r0; r < r1; r++) out[offset + r] = base ^ table[r];
    n += r1 - r0;
    i += r1 - r0;
  }
}

/**
 * 32-bit integers floor(x * 2^32) of component `component` for the points with index
 * start .. start+count-1 (natural order: point i; Gray order: point gray(i) = i ^ (i >>> 1)).
 * Writes into `out[0..count)` when given (it must hold at least `count` values) and returns it,
 * else returns a new Uint32Array(count). Indices run up to 2^32 - 1.
 * out: [N] with N = count.
 */
export function sobolComponent(
  component: number,
  start: number,
  count: number,
  order: SobolOrder = 'natural',
  out?: Uint32Array,
): Uint32Array {
  checkComponent(component);
  checkInt(start, "Sobol' start index", 0, SOBOL_POINTS);
  checkInt(count, `Sobol' point count (start ${start} + count must not exceed 2^32 points)`, 0, SOBOL_POINTS - start);
  checkOneOf(order, "Sobol' order", SOBOL_ORDERS);
  if (out === undefined) {
    out = new Uint32Array(count);
  } else {
    check(out instanceof Uint32Array && out.length >= count, () =>
      `sobolComponent output must be a Uint32Array of length >= count ${count}, got ${describe(out)}`);
  }
  if (count > 0) fillPoints(cachedDirectionNumbers(component), start, count, order === 'gray', out);
  return out;
}

function describe(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name} of length ${(x as unknown as ArrayLike<unknown>).length}`;
  return typeof x;
}
