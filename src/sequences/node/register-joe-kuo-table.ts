/**
 * Imported for its effect: registers the whole Joe–Kuo table, so that every Sobol' component
 * decodes synchronously. Node's entries import it (src/index.node.ts, src/node.ts, the CLI and the
 * experiment's training child); a browser loads the table on demand instead (loadSobolTable).
 */
import { JOE_KUO_BITS } from '../joe-kuo-table.js';
import { useJoeKuoTable } from '../sobol-table.js';

useJoeKuoTable(JOE_KUO_BITS);
