/**
 * Converts the Joe–Kuo direction-number file into two compact generated modules and copies its
 * licence beside them:
 * - src/sequences/joe-kuo-head.ts: the line counts and the bits of the first JOE_KUO_HEAD_LINES
 *   lines (Sobol' components 0..255, about 2 KB), built into the main entry, so that the
 *   components every default network uses never wait for anything;
 * - src/sequences/joe-kuo-table.ts: the bits of all 21,200 lines (526 KB), a module of its own
 *   that the browser loads on demand (`loadSobolTable()`, a dynamic import) and Node registers at
 *   start-up, so the default browser bundle does not carry it.
 *
 *   npx tsx scripts/convert-joe-kuo.ts [path/to/new-joe-kuo-6.21201]
 *
 * Default input: ../shared/data/sobol/new-joe-kuo-6.21201 relative to the repository root (the
 * licence is read from LICENSE in the same folder). The project never reads that folder at run
 * time: the generated module and the licence copy are checked in.
 *
 * Encoding. The file has one line "d s a m_1 .. m_s" per dimension d = 2..21201, sorted by the
 * degree s of the primitive polynomial. Since m_1 = 1 always, every m_i is odd and below 2^i, and
 * a has s-1 bits, a line is stored in exactly (s-1) + sum_{i=2..s} (i-1) = (s-1)(s+2)/2 bits:
 *   a in s-1 bits, then (m_i >> 1) in i-1 bits for i = 2..s, each field most significant bit first.
 * The lines' bit strings are concatenated and written as a base64-alphabet string, six bits per
 * character, most significant bit first. The degrees are stored as counts per degree, so the bit
 * offset of any line follows by arithmetic and one component decodes without touching the others.
 * The head's string is a prefix of the whole table's (its last character may hold the first bits
 * of the next line, which the decoder never reads from the head).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lines in the head module: dimensions 2..256, so the head serves components 0..255. */
const HEAD_LINES = 255;

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

interface Line { d: number; s: number; a: number; m: number[] }

function fail(message: string): never {
  throw new Error(`convert-joe-kuo: ${message}`);
}

/** Parses and checks every assumption the encoding relies on. */
function parse(text: string): Line[] {
  const rows = text.split(/\r?\n/);
  if (!/^\s*d\s+s\s+a\s+m_i\s*$/.test(rows[0] ?? '')) fail(`unexpected header line ${JSON.stringify(rows[0])}`);
  const lines: Line[] = [];
  for (let r = 1; r < rows.length; r++) {
    const fields = rows[r].trim();
    if (fields === '') continue;
    const t = fields.split(/\s+/).map(Number);
    if (!t.every((v) => Number.isSafeInteger(v) && v >= 0)) fail(`line ${r + 1}: not non-negative integers: ${fields}`);
    const [d, s, a, ...m] = t;
    const where = `line ${r + 1} (d=${d})`;
    if (d !== lines.length + 2) fail(`${where}: expected d=${lines.length + 2}`);
    if (s < 1 || s > 31) fail(`${where}: degree s=${s} out of [1, 31]`);
    if (lines.length > 0 && s < lines[lines.length - 1].s) fail(`${where}: degrees are not sorted`);
    if (a >= 2 ** Math.max(s - 1, 0)) fail(`${where}: a=${a} has more than s-1=${s - 1} bits`);
    if (m.length !== s) fail(`${where}: ${m.length} initial direction numbers, expected s=${s}`);
    m.forEach((mi, i) => {
      if (mi % 2 !== 1 || mi >= 2 ** (i + 1)) fail(`${where}: m_${i + 1}=${mi} is not odd and below 2^${i + 1}`);
    });
    lines.push({ d, s, a, m });
  }
  return lines;
}

/** Appends fields most significant bit first and renders six bits per base64 character. */
class BitWriter {
  private readonly bits: number[] = [];
  write(value: number, width: number): void {
    for (let b = width - 1; b >= 0; b--) this.bits.push(Math.floor(value / 2 ** b) % 2);
  }
  get length(): number {
    return this.bits.length;
  }
  toBase64(): string {
    let out = '';
    for (let p = 0; p < this.bits.length; p += 6) {
      let c = 0;
      for (let k = 0; k < 6; k++) c = c * 2 + (this.bits[p + k] ?? 0);
      out += BASE64_ALPHABET[c];
    }
    return out;
  }
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const input = resolve(root, process.argv[2] ?? '../shared/data/sobol/new-joe-kuo-6.21201');
  const licence = join(dirname(input), 'LICENSE');
  const raw = readFileSync(input);
  const lines = parse(raw.toString('utf8'));

  const degreeCounts: number[] = [];
  const w = new BitWriter();
  for (const { s, a, m } of lines) {
    while (degreeCounts.length < s) degreeCounts.push(0);
    degreeCounts[s - 1]++;
    const before = w.length;
    w.write(a, s - 1);
    for (let i = 2; i <= s; i++) w.write((m[i - 1] - 1) / 2, i - 1);
    if (w.length - before !== ((s - 1) * (s + 2)) / 2) fail('bit count mismatch');
  }
  const bits = w.toBase64();
  const headBitCount = lines.slice(0, HEAD_LINES).reduce((n, { s }) => n + ((s - 1) * (s + 2)) / 2, 0);
  const headBits = bits.slice(0, Math.ceil(headBitCount / 6));
  const sha = createHash('sha256').update(raw).digest('hex');
  const source = `// Source: ${relative(root, input).split('\\').join('/')} (S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635–2654; https://web.maths.unsw.edu.au/~fkuo/sobol/),
// sha256 ${sha}.
// Licence: BSD-3-Clause, copyright (c) 2008 Frances Y. Kuo and Stephen Joe; see src/sequences/JOE-KUO-LICENSE.
// Encoding: see scripts/convert-joe-kuo.ts. Decoded lazily by src/sequences/sobol.ts.`;

  const head = `// generated by scripts/convert-joe-kuo.ts — do not edit.
${source}

/** Number of data lines: dimensions 2 .. JOE_KUO_LINES + 1 (Sobol' components 1 .. JOE_KUO_LINES). */
export const JOE_KUO_LINES = ${lines.length};

/** JOE_KUO_DEGREE_COUNTS[s - 1] = number of lines whose primitive polynomial has degree s (lines are sorted by s). */
export const JOE_KUO_DEGREE_COUNTS: readonly number[] = [${degreeCounts.join(', ')}];

/** Lines whose bits JOE_KUO_HEAD_BITS holds: the first ones, Sobol' components 1 .. JOE_KUO_HEAD_LINES. */
export const JOE_KUO_HEAD_LINES = ${HEAD_LINES};

/** The first ${headBitCount} bits of JOE_KUO_BITS (joe-kuo-table.ts): the lines of JOE_KUO_HEAD_LINES, same encoding. */
export const JOE_KUO_HEAD_BITS: string = '${headBits}';
`;

  const module = `// generated by scripts/convert-joe-kuo.ts — do not edit.
${source}
// The line counts and the first lines (built into the main entry) are in joe-kuo-head.ts.

/** Per line: a in s-1 bits, then (m_i - 1) / 2 in i-1 bits for i = 2..s; MSB first, six bits per base64 character. */
export const JOE_KUO_BITS: string = '${bits}';
`;
  const headOut = join(root, 'src/sequences/joe-kuo-head.ts');
  const out = join(root, 'src/sequences/joe-kuo-table.ts');
  writeFileSync(headOut, head);
  writeFileSync(out, module);
  writeFileSync(join(root, 'src/sequences/JOE-KUO-LICENSE'), readFileSync(licence));   // a fresh, writable copy
  console.log(`${lines.length} lines (dimensions 2..${lines.length + 1}), ${w.length} bits -> ${bits.length} characters; ` +
    `wrote ${relative(root, headOut)} (${head.length} bytes, ${HEAD_LINES} lines), ${relative(root, out)} (${module.length} bytes) ` +
    'and src/sequences/JOE-KUO-LICENSE');
}

main();
