/**
 * A 64-bit digest of a topology's index arrays, stored in model files to verify that the topology
 * regenerated from the spec is the one the weights were trained on.
 *
 * Two 32-bit lanes absorb the same stream of 32-bit words: the widths, then per layer pair its
 * counts and every index array, each array preceded by its length. Lane a is FNV-1a over words
 * (xor, then multiply by the FNV prime); lane b is MurmurHash3's 32-bit block step (multiply,
 * rotate, multiply, xor, rotate, multiply-add). Both lanes absorb the total word count and go
 * through the MurmurHash3 finaliser, crossed with each other. Changing any of this changes every
 * stored hash (pinned by a golden value in test/topology). Not cryptographic: it guards
 * against accidental changes (a different generator, table or library version), not adversaries.
 *
 * Shape legend: L layers, E edges.
 */
import { fmix32 } from '../sequences/hash.js';
import type { Topology } from './build-topology.js';

/** A topology -> 16 lower-case hex digits. O(sum of E). */
export function topologyHash(t: Topology): string {
  const h = new WordHasher();
  h.word(0x50415448);            // format tag "PATH", version 1
  h.word(1);
  h.word(t.layers.length + 1);
  for (const c of t.layers) h.word(c.inputs);
  if (t.layers.length > 0) h.word(t.layers[t.layers.length - 1].outputs);
  for (const c of t.layers) {
    h.word(c.edges);
    h.word(c.duplicates);
    h.array(c.targetOffsets);
    h.array(c.sources);
    h.array(c.sourceOffsets);
    h.array(c.targets);
    h.array(c.edgeOf);
  }
  return h.digest();
}

class WordHasher {
  private a = 0x811c9dc5;
  private b = 0x2545f491;
  private count = 0;

  word(w: number): void {
    this.a = Math.imul(this.a ^ w, 0x01000193);
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    let b = this.b ^ Math.imul(k, 0x1b873593);
    b = (b << 13) | (b >>> 19);
    this.b = (Math.imul(b, 5) + 0xe6546b64) | 0;
    this.count++;
  }

  array(x: Int32Array): void {
    this.word(x.length);
    for (let i = 0; i < x.length; i++) this.word(x[i]);
  }

  digest(): string {
    const a = fmix32(this.a ^ this.count);
    const b = fmix32(this.b ^ Math.imul(this.count, 0x9e3779b1));
    const hi = fmix32((a + b) | 0);
    const lo = fmix32(a ^ ((b << 16) | (b >>> 16)));
    return hex8(hi) + hex8(lo);
  }
}

function hex8(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}
