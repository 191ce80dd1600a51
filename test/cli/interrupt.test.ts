/**
 * Interrupting the command line: SIGTERM ends a sweep with `sobolnet: interrupted` and exit 143,
 * its training child and its lock and temporary files gone; a sweep killed with SIGKILL still
 * takes its training child along; SIGTERM ends `train` in the middle of its (synchronous) loop.
 * Linux only: children are found through /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = ['--import', 'tsx', join(root, 'src/cli/main.ts')];

/** State and parent of a process from /proc/<pid>/stat, or null when there is no such process. */
function procStat(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

/** Running: it exists and is not a zombie waiting for whoever adopted it to reap it. */
function running(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  const stat = procStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d)).map(Number).filter((p) => procStat(p)?.ppid === pid);
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts the CLI; resolves once stderr has shown the first epoch line. */
async function startAtFirstEpoch(args: string[]): Promise<{ proc: ChildProcess; stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const proc = spawn(process.execPath, [...cli, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  // 'close', not 'exit': 'exit' may come before the last of stderr has been read from the pipe.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    proc.stderr!.on('data', (chunk: Buffer) => { text += chunk.toString(); if (/epoch +1\//.test(text)) resolve(); });
    void exit.then(() => reject(new Error(`ended before its first epoch: ${text}`)));
  });
  return { proc, stderr: () => text, exit };
}

/** Polls until `pid` no longer runs, for up to ten seconds; says whether it stopped. */
async function stops(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && running(pid); i++) await pause(50);
  return !running(pid);
}

describe('interrupting sobolnet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-interrupt-'));
  // Runs long enough never to finish by itself: 100,000 epochs of 600 samples.
  const spec = join(dir, 'endless.json');
  writeFileSync(spec, JSON.stringify({
    name: 'endless', base: { dataset: 'mnist', widths: [784, 16, 10], epochs: 100_000, limit: 600, batch: 100 },
    grids: [{ source: ['sobol'], fanIn: [2] }], seeds: [1],
  }));
  const strays: number[] = [];
  afterEach(() => { for (const pid of strays.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL'); });

  it('ends a sweep on SIGTERM with one line and exit 143, leaving no child, lock or temporary file', async () => {
    const out = join(dir, 'term');
    const run = await startAtFirstEpoch(['experiment', spec, '--out', out, '--backend', 'wasm']);
    const children = childrenOf(run.proc.pid!);
    strays.push(run.proc.pid!, ...children);
    expect(children).toHaveLength(1);
    run.proc.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 143, signal: null });
    expect(run.stderr().trimEnd().split('\n').at(-1)).toBe('sobolnet: interrupted');
    expect(await stops(children[0])).toBe(true);
    expect(readdirSync(out)).toEqual([]); // no results yet, no results.jsonl.lock, no .*.tmp
  });

  it('takes the training child along when the sweep is killed with SIGKILL', async () => {
    const run = await startAtFirstEpoch(['experiment', spec, '--out', join(dir, 'kill'), '--backend', 'wasm']);
    const children = childrenOf(run.proc.pid!);
    strays.push(run.proc.pid!, ...children);
    expect(children).toHaveLength(1);
    run.proc.kill('SIGKILL');
    expect(await run.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await stops(children[0])).toBe(true);
  });

  it('ends train on SIGTERM in the middle of its training loop', async () => {
    const out = join(dir, 'train');
    const run = await startAtFirstEpoch(['train', '--widths', '784-16-10', '--fan-in', '2', '--limit', '600',
      '--epochs', '100000', '--backend', 'wasm', '--out', join(out, 'm.sobolnet')]);
    strays.push(run.proc.pid!);
    run.proc.kill('SIGTERM');
    // The default action (handlers are off around the loop): a handler would wait for 100,000 epochs.
    expect(await run.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readdirSync(out)).toEqual([]);
  });
});
