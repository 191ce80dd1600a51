// A cache-trace sink for the trace tests: it records every access instead of simulating caches.
import type { AccessSink } from '../../bench/lib/sparse-step-trace.js';

export interface Access { core: number; address: number; bytes: number; write: boolean }

/** Records every access. */
export class Recorder implements AccessSink {
  readonly log: Access[] = [];
  access(core: number, address: number, bytes: number, write: boolean): void {
    this.log.push({ core, address, bytes, write });
  }
  /** The reads (or writes) inside [base, base + size). */
  within(base: number, size: number, write: boolean): Access[] {
    return this.log.filter((a) => a.write === write && a.address >= base && a.address < base + size);
  }
  /** Bytes read (or written) inside [base, base + size). */
  bytesIn(base: number, size: number, write: boolean): number {
    return this.within(base, size, write).reduce((s, a) => s + a.bytes, 0);
  }
}
