/**
 * The main entry as Node resolves it (the "node" condition of package.json's "." export): the same
 * API as src/index.ts, with the whole Joe–Kuo table registered at start-up, so that every Sobol'
 * component decodes without `await loadSobolTable()`. Browsers and bundlers get src/index.ts.
 */
import './sequences/node/register-joe-kuo-table.js';

export * from './index.js';
