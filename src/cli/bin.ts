#!/usr/bin/env node
/**
 * The `sobolnet` executable. The command line's own packages (commander, cli-progress) are
 * optional dependencies: npm installs them by default, so `npx sobolnet train` works on a normal
 * install, and a library user can leave them out with `npm install --omit=optional`. This launcher
 * checks them before it loads the program (main.ts imports them statically), so that a missing
 * one ends with one line and exit code 1 instead of a module-resolution stack trace.
 */
import { SobolnetError } from '../core/errors.js';
import { importOptional } from '../core/optional-import.js';

/** What every command needs, in the order the one-line message names it. */
const CLI_PACKAGES: readonly string[] = ['commander', 'cli-progress'];

try {
  await importOptional(() => Promise.all([import('commander'), import('cli-progress')]), 'the sobolnet command line', CLI_PACKAGES);
} catch (e) {
  if (!(e instanceof SobolnetError)) throw e;
  process.stderr.write(`sobolnet: ${e.message}\n`);
  process.exit(1);
}
await import('./main.js');
