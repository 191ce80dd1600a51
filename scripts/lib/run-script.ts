/**
 * How the user-facing scripts end: `main` runs; a SobolnetError (bad input) becomes one line on
 * stderr, `<name>: <message>`, and exit code 1, with no stack trace; anything else is a bug and
 * throws as it is.
 */
import { SobolnetError } from '../../src/core/errors.js';

export function runScript(name: string, main: () => void): void {
  try {
    main();
  } catch (e) {
    if (!(e instanceof SobolnetError)) throw e;
    process.stderr.write(`${name}: ${e.message}\n`);
    process.exitCode = 1;
  }
}
