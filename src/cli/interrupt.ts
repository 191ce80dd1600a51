/**
 * What SIGINT (Ctrl-C) and SIGTERM do to a command: show the cursor again on a terminal, print
 * `sobolnet: interrupted` and exit 130 or 143 (128 + the signal's number). That exit releases a
 * sweep's results lock and stops its training child (their 'exit' listeners). No temporary file
 * can be half-written then: atomic writes are synchronous, so the handler never runs during one.
 *
 * A JavaScript signal handler runs only when the event loop does, so it would hold a signal back
 * until a synchronous training loop ends. Around such a loop the handlers are suspended: the
 * signal then ends the process at once, with the status a shell reports as the same 130 / 143.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type Signal = keyof typeof EXIT_CODES;
const SIGNALS = Object.keys(EXIT_CODES) as Signal[];

function interrupted(signal: Signal): void {
  if (process.stderr.isTTY) process.stderr.write('\x1b[?25h');
  process.stderr.write('sobolnet: interrupted\n');
  process.exit(EXIT_CODES[signal]);
}

const handlers = new Map<Signal, () => void>(SIGNALS.map((s) => [s, () => interrupted(s)]));
let installed = false;
let suspensions = 0;

function setHandlers(on: boolean): void {
  for (const [signal, handler] of handlers) {
    if (on) process.on(signal, handler);
    else process.off(signal, handler);
  }
}

/** Installs the SIGINT and SIGTERM handlers (once per process). */
export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  if (suspensions === 0) setHandlers(true);
}

/**
 * Takes the handlers off (the signals' default action: end the process) for a stretch of
 * synchronous work; returns what puts them back once every suspension has ended.
 */
export function suspendInterruptHandlers(): () => void {
  if (suspensions++ === 0 && installed) setHandlers(false);
  let resumed = false;
  return () => {
    if (resumed) return;
    resumed = true;
    if (--suspensions === 0 && installed) setHandlers(true);
  };
}
