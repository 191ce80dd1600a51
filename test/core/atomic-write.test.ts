/**
 * Atomic writes leave no temporary files: stale ones of dead processes are removed by the next
 * write of the same target, a live process's are kept, and a failed write removes its own.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/core/node/atomic-write.js';
import { SobolnetError } from '../../src/core/errors.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('writeFileAtomic', () => {
  it('removes the temporary files of the same target left by dead processes, and only those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sobolnet-atomic-'));
    // A pid that is certainly dead: a child that has exited (and been reaped).
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    const stale = [`.x.sobolnet.99999999.tmp`, `.x.sobolnet.${deadPid}.tmp`];
    const kept = [
      `.x.sobolnet.${process.ppid}.tmp`, // a live process: its write may be under way
      '.y.sobolnet.99999999.tmp', // another target
      '.x.sobolnet.abc.tmp', // not a pid
      '.x.sobolnet.099999999.tmp', // not a name this module writes
    ];
    for (const f of [...stale, ...kept]) writeFileSync(join(dir, f), 'half a file');
    writeFileAtomic(join(dir, 'x.sobolnet'), bytes('whole'));
    expect(readFileSync(join(dir, 'x.sobolnet'), 'utf8')).toBe('whole');
    expect(readdirSync(dir).sort()).toEqual([...kept, 'x.sobolnet'].sort());
  });

  it('removes its own temporary file when the rename fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sobolnet-atomic-'));
    const target = join(dir, 'folder');
    mkdirSync(join(target, 'not-empty'), { recursive: true }); // renaming a file over a folder fails
    expect(() => writeFileAtomic(target, bytes('x'))).toThrow(SobolnetError);
    expect(() => writeFileAtomic(target, bytes('x'))).toThrow(/cannot write .*folder: EISDIR/);
    expect(readdirSync(dir)).toEqual(['folder']);
  });
});
