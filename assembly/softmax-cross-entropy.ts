/**
 * Softmax cross-entropy per sample, for samples b in [b0, b1), four samples per vector (lanes are
 * neighbouring samples: logits are [C][B]). Writes dLogits[C,B] = (softmax - onehot) / B and, per
 * sample, stats[2b] = sum of exp(z - max) and stats[2b+1] = max - z[label]; the caller forms the
 * loss log(sum) + max - z[label] and sums it in sample order (a fixed order for any thread count).
 * dLogits may alias logits: a sample's label logit is read before its column is overwritten.
 *
 * Shape legend: B batch, C classes. Pointers are byte addresses; labels are Int32.
 */
import { exp1, exp4 } from './simd';

/** Samples b..b+3 as one vector per class. */
function samples4(d: usize, z: usize, labels: usize, stats: usize, b: i32, C: i32, rowBytes: usize, invB: f32): void {
  const col = <usize>b << 2;
  let mx = v128.load(z + col);
  for (let c = 1; c < C; c++) mx = f32x4.max(mx, v128.load(z + <usize>c * rowBytes + col));
  const l0 = load<i32>(labels + col);
  const l1 = load<i32>(labels + col, 4);
  const l2 = load<i32>(labels + col, 8);
  const l3 = load<i32>(labels + col, 12);
  const z0 = load<f32>(z + <usize>l0 * rowBytes + col);
  const z1 = load<f32>(z + <usize>l1 * rowBytes + col, 4);
  const z2 = load<f32>(z + <usize>l2 * rowBytes + col, 8);
  const z3 = load<f32>(z + <usize>l3 * rowBytes + col, 12);
  let sum = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const o = <usize>c * rowBytes + col;
    const e = exp4(f32x4.sub(v128.load(z + o), mx));
    v128.store(d + o, e);
    sum = f32x4.add(sum, e);
  }
  const k = f32x4.div(f32x4.splat(invB), sum);
  for (let c = 0; c < C; c++) {
    const o = <usize>c * rowBytes + col;
    v128.store(d + o, f32x4.mul(v128.load(d + o), k));
  }
  const p0 = d + <usize>l0 * rowBytes + col;
  const p1 = d + <usize>l1 * rowBytes + col + 4;
  const p2 = d + <usize>l2 * rowBytes + col + 8;
  const p3 = d + <usize>l3 * rowBytes + col + 12;
  store<f32>(p0, load<f32>(p0) - invB);
  store<f32>(p1, load<f32>(p1) - invB);
  store<f32>(p2, load<f32>(p2) - invB);
  store<f32>(p3, load<f32>(p3) - invB);
  const s = stats + (<usize>b << 3);
  store<f32>(s, f32x4.extract_lane(sum, 0));
  store<f32>(s, f32x4.extract_lane(mx, 0) - z0, 4);
  store<f32>(s, f32x4.extract_lane(sum, 1), 8);
  store<f32>(s, f32x4.extract_lane(mx, 1) - z1, 12);
  store<f32>(s, f32x4.extract_lane(sum, 2), 16);
  store<f32>(s, f32x4.extract_lane(mx, 2) - z2, 20);
  store<f32>(s, f32x4.extract_lane(sum, 3), 24);
  store<f32>(s, f32x4.extract_lane(mx, 3) - z3, 28);
}

/** One sample, the same operations as one lane of `samples4`. */
function sample1(d: usize, z: usize, labels: usize, stats: usize, b: i32, C: i32, rowBytes: usize, invB: f32): void {
  const col = <usize>b << 2;
  let mx = load<f32>(z + col);
  for (let c = 1; c < C; c++) mx = max<f32>(mx, load<f32>(z + <usize>c * rowBytes + col));
  const label = load<i32>(labels + col);
  const zl = load<f32>(z + <usize>label * rowBytes + col);
  let sum: f32 = 0;
  for (let c = 0; c < C; c++) {
    const o = <usize>c * rowBytes + col;
    const e = exp1(load<f32>(z + o) - mx);
    store<f32>(d + o, e);
    sum += e;
  }
  const k = invB / sum;
  for (let c = 0; c < C; c++) {
    const o = <usize>c * rowBytes + col;
    store<f32>(d + o, load<f32>(d + o) * k);
  }
  const p = d + <usize>label * rowBytes + col;
  store<f32>(p, load<f32>(p) - invB);
  const s = stats + (<usize>b << 3);
  store<f32>(s, sum);
  store<f32>(s, mx - zl, 4);
}

// dLogits[C,B], stats[2B] <- logits[C,B], labels[B]; samples [b0, b1)
export function softmaxCrossEntropy(b0: i32, b1: i32, dLogits: usize, logits: usize, labels: usize, stats: usize,
  C: i32, B: i32): void {
  const rowBytes = <usize>B << 2;
  const invB = <f32>(1 / <f64>B);
  let b = b0;
  for (; b + 4 <= b1; b += 4) samples4(dLogits, logits, labels, stats, b, C, rowBytes, invB);
  for (; b < b1; b++) sample1(dLogits, logits, labels, stats, b, C, rowBytes, invB);
}
