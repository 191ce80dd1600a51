/**
 * docs/demo.png: the demo page in headless Chromium (cross-origin isolated, so training has two
 * threads) after a short training run (784-128-10 at fan-in 8, one epoch on all 60,000 digits)
 * and a digit drawn on the pad.
 *
 *   node --import tsx scripts/demo-screenshot.ts [out.png]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../bench/lib/chromium-page.js';
import { buildDemo, serveDemo } from '../bench/lib/demo-server.js';

const out = process.argv[2] ?? join(import.meta.dirname, '..', 'docs', 'demo.png');
const dir = mkdtempSync(join(tmpdir(), 'sobolnet-screenshot-'));
const demo = (): unknown => (globalThis as unknown as { sobolnetDemo: unknown }).sobolnetDemo;
try {
  await buildDemo(dir);
  const { url, server } = await serveDemo(dir, true);
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await tab.goto(url);
    await tab.waitForFunction(() => (globalThis as unknown as { sobolnetDemo: { backend: unknown } }).sobolnetDemo.backend !== null);
    await tab.selectOption('#preset', 'MNIST small 784-128-10 (fan-in 8)');
    await tab.click('#train');
    await tab.waitForFunction(() => (globalThis as unknown as { sobolnetDemo: { training: string } }).sobolnetDemo.training === 'finished',
      null, { timeout: 300_000 });
    // A "7": a bar across the top, then a stroke down to the lower left.
    const box = (await tab.locator('#pad').boundingBox())!;
    const at = (x: number, y: number): [number, number] => [box.x + box.width * x, box.y + box.height * y];
    await tab.mouse.move(...at(0.28, 0.22));
    await tab.mouse.down();
    await tab.mouse.move(...at(0.72, 0.22), { steps: 10 });
    await tab.mouse.move(...at(0.42, 0.82), { steps: 15 });
    await tab.mouse.up();
    await tab.waitForFunction(() => (globalThis as unknown as { sobolnetDemo: { probabilities: unknown } }).sobolnetDemo.probabilities !== null);
    await tab.screenshot({ path: out, fullPage: true });
    console.log(`${out}: ${JSON.stringify(await tab.evaluate(demo), (k, v: unknown) => (k === 'image' ? undefined : v))}`);
  } finally {
    await browser.close();
    server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
