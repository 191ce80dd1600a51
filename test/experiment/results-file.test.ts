/** The results file: records survive, a torn last line is dropped, a damaged one stops, a lock guards it. */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendResult, lockResults, readResults } from '../../src/experiment/node/results-file.js';
import type { RunRecord } from '../../src/experiment/run-record.js';

const record = (key: string, accuracy: number): RunRecord => ({ key, testAccuracy: accuracy } as unknown as RunRecord);

describe('results file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-results-'));

  it('reads back what was appended, in order; a missing file has no records', () => {
    const path = join(dir, 'a.jsonl');
    expect(readResults(path)).toEqual({ records: [], dropped: 0 });
    appendResult(path, record('a', 0.5));
    appendResult(path, record('b', 0.75));
    expect(readResults(path).records.map((r) => [r.key, r.testAccuracy])).toEqual([['a', 0.5], ['b', 0.75]]);
  });

  it('drops a last line cut short by a kill and rewrites the file without it', () => {
    const path = join(dir, 'torn.jsonl');
    appendResult(path, record('a', 0.5));
    appendFileSync(path, '{"key":"b","testAccu');
    const read = readResults(path);
    expect(read.dropped).toBe(1);
    expect(read.records.map((r) => r.key)).toEqual(['a']);
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(record('a', 0.5)) + '\n');
    appendResult(path, record('b', 0.25));
    expect(readResults(path)).toMatchObject({ dropped: 0, records: [{ key: 'a' }, { key: 'b' }] });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a damaged line in the middle: that is not an interrupted append', () => {
    const path = join(dir, 'damaged.jsonl');
    writeFileSync(path, `${JSON.stringify(record('a', 0.5))}\nnot json\n${JSON.stringify(record('b', 0.5))}\n`);
    expect(() => readResults(path)).toThrow(/damaged\.jsonl: line 2 is not a run record/);
  });

  it('lets one sweep at a time hold a results file, and takes over a lock whose owner is gone', () => {
    const path = join(dir, 'locked.jsonl');
    writeFileSync(`${path}.lock`, `${process.ppid}\n`); // a live process that is not us
    expect(() => lockResults(path)).toThrow(new RegExp(`in use by another sobolnet experiment \\(pid ${process.ppid}\\)`));
    writeFileSync(`${path}.lock`, '2147483646\n'); // no such process
    const release = lockResults(path);
    expect(readFileSync(`${path}.lock`, 'utf8').trim()).toBe(String(process.pid));
    release();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
