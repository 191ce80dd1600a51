/**
 * Batch normalisation over the batch, per unit, for units u in [u0, u1). Sums over the batch use
 * the fixed-order reductions of simd.ts; the per-unit scalars (mean, 1/sqrt(var + eps), the
 * inference scale) are formed in f64. Element-wise parts run vectors then a scalar tail with the
 * same operations. dx may alias dy.
 *
 * Shape legend: B batch, U units. Pointers are byte addresses.
 */
import { dotRow, hsum, sumRow, tailMask } from './simd';

/** Sum over the B floats at p of (x - m)^2. */
function sumSquaredDeviation(p: usize, m: f32, B: i32): f32 {
  if (B < 4) {
    let s: f32 = 0;
    for (let b = 0; b < B; b++) {
      const d = load<f32>(p + (<usize>b << 2)) - m;
      s += d * d;
    }
    return s;
  }
  const m4 = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    const d = f32x4.sub(v128.load(p + (<usize>b << 2)), m4);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  if (b < B) {
    const d = f32x4.sub(v128.load(p + (<usize>(B - 4) << 2)), m4);
    acc = f32x4.add(acc, v128.and(f32x4.mul(d, d), tailMask(B - b)));
  }
  return hsum(acc);
}

// y[U,B], xhat[U,B], mean[U], invStd[U] <- x[U,B], gamma[U], beta[U]
export function batchNormForward(u0: i32, u1: i32, y: usize, xhat: usize, mean: usize, invStd: usize, x: usize,
  gamma: usize, beta: usize, eps: f64, B: i32): void {
  const rowBytes = <usize>B << 2;
  for (let u = u0; u < u1; u++) {
    const row = <usize>u * rowBytes;
    const uo = <usize>u << 2;
    const m = <f32>(<f64>sumRow(x + row, B) / <f64>B);
    const r = <f32>(1 / Math.sqrt(<f64>sumSquaredDeviation(x + row, m, B) / <f64>B + eps));
    store<f32>(mean + uo, m);
    store<f32>(invStd + uo, r);
    const g = load<f32>(gamma + uo);
    const c = load<f32>(beta + uo);
    const m4 = f32x4.splat(m);
    const r4 = f32x4.splat(r);
    const g4 = f32x4.splat(g);
    const c4 = f32x4.splat(c);
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const o = row + (<usize>b << 2);
      const h = f32x4.mul(f32x4.sub(v128.load(x + o), m4), r4);
      v128.store(xhat + o, h);
      v128.store(y + o, f32x4.add(f32x4.mul(g4, h), c4));
    }
    for (; b < B; b++) {
      const o = row + (<usize>b << 2);
      const h = (load<f32>(x + o) - m) * r;
      store<f32>(xhat + o, h);
      store<f32>(y + o, g * h + c);
    }
  }
}

// y[U,B] <- x[U,B], runningMean[U], runningVar[U], gamma[U], beta[U]
export function batchNormInference(u0: i32, u1: i32, y: usize, x: usize, runningMean: usize, runningVar: usize,
  gamma: usize, beta: usize, eps: f64, B: i32): void {
  const rowBytes = <usize>B << 2;
  for (let u = u0; u < u1; u++) {
    const row = <usize>u * rowBytes;
    const uo = <usize>u << 2;
    const scale64 = <f64>load<f32>(gamma + uo) / Math.sqrt(<f64>load<f32>(runningVar + uo) + eps);
    const scale = <f32>scale64;
    const shift = <f32>(<f64>load<f32>(beta + uo) - <f64>load<f32>(runningMean + uo) * scale64);
    const s4 = f32x4.splat(scale);
    const t4 = f32x4.splat(shift);
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const o = row + (<usize>b << 2);
      v128.store(y + o, f32x4.add(f32x4.mul(v128.load(x + o), s4), t4));
    }
    for (; b < B; b++) {
      const o = row + (<usize>b << 2);
      store<f32>(y + o, load<f32>(x + o) * scale + shift);
    }
  }
}

// dx[U,B], dGamma[U], dBeta[U] <- dy[U,B], xhat[U,B], invStd[U], gamma[U]
// dx = gamma * invStd / B * (B * dy - sum(dy) - xhat * sum(dy * xhat))
export function batchNormBackward(u0: i32, u1: i32, dx: usize, dGamma: usize, dBeta: usize, dy: usize, xhat: usize,
  invStd: usize, gamma: usize, B: i32): void {
  const rowBytes = <usize>B << 2;
  const fB = <f32>B;
  const B4 = f32x4.splat(fB);
  for (let u = u0; u < u1; u++) {
    const row = <usize>u * rowBytes;
    const uo = <usize>u << 2;
    const sdy = sumRow(dy + row, B);
    const sdyh = dotRow(dy + row, xhat + row, B);
    store<f32>(dBeta + uo, sdy);
    store<f32>(dGamma + uo, sdyh);
    const k = <f32>(<f64>load<f32>(gamma + uo) * <f64>load<f32>(invStd + uo) / <f64>B);
    const k4 = f32x4.splat(k);
    const s4 = f32x4.splat(sdy);
    const h4 = f32x4.splat(sdyh);
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const o = row + (<usize>b << 2);
      const t = f32x4.sub(f32x4.sub(f32x4.mul(B4, v128.load(dy + o)), s4), f32x4.mul(v128.load(xhat + o), h4));
      v128.store(dx + o, f32x4.mul(k4, t));
    }
    for (; b < B; b++) {
      const o = row + (<usize>b << 2);
      store<f32>(dx + o, k * ((fB * load<f32>(dy + o) - sdy) - load<f32>(xhat + o) * sdyh));
    }
  }
}

// runningMean[U], runningVar[U] <- mean[U], invStd[U], momentum, eps, unbias; units [u0, u1). In
// float64 as the reference computes them (the same operations in the same order), each result
// rounded once to f32: the same bits.
export function batchNormRunningStats(u0: i32, u1: i32, runningMean: usize, runningVar: usize, mean: usize, invStd: usize,
  momentum: f64, eps: f64, unbias: f64): void {
  for (let u = u0; u < u1; u++) {
    const o = <usize>u << 2;
    const r = <f64>load<f32>(invStd + o);
    const variance = 1.0 / (r * r) - eps;
    store<f32>(runningMean + o, <f32>((1 - momentum) * <f64>load<f32>(runningMean + o) + momentum * <f64>load<f32>(mean + o)));
    store<f32>(runningVar + o, <f32>((1 - momentum) * <f64>load<f32>(runningVar + o) + momentum * max<f64>(variance, 0) * unbias));
  }
}
