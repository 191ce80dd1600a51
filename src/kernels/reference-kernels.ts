/**
 * The reference backend: plain TypeScript, generic over Float32Array and Float64Array, so the
 * same code trains in float32 and is gradient-checked in float64. It is the test oracle for every
 * faster backend, and it trains small models on its own, so the inner loops are tight: offsets
 * are hoisted and every innermost loop runs over the contiguous batch.
 *
 * Precision: axpy-style kernels accumulate in the destination array (so in its precision), adding
 * the sum of four products (formed in float64) per pass. Reductions over the batch (dot products,
 * sums) use a JS number (float64) local and store once; that is at least as accurate as a float32
 * accumulator, so fast backends compare against it with a float32 tolerance.
 *
 * Shape legend: B batch, I inputs, O outputs, E edges, U units, C classes, N any length.
 * Layout: element (unit u, sample b) is at u * B + b (see kernels.ts).
 *
 * The convolution, pooling and residual kernels live in reference-conv-kernels.ts and are spread
 * in here.
 */
import { allocFloats, type Floats } from '../core/floats.js';
import { gatherBytes } from '../core/gather-bytes.js';
import type { Kernels, SparseIndex } from './kernels.js';
import { referenceConvKernels } from './reference-conv-kernels.js';

/** y[O,B] = bias[O] (or 0), the starting value of every forward kernel. */
function fillRows(y: Floats, bias: Floats | null, O: number, B: number): void {
  if (bias === null) {
    y.fill(0, 0, O * B);
    return;
  }
  for (let o = 0; o < O; o++) y.fill(bias[o], o * B, o * B + B);
}

/**
 * Row updates: y[yo+b] += w0 * x[a+b] + w1 * x[c+b] + w2 * x[d+b] + w3 * x[f+b] for b < B.
 * Four rows per pass read and round y once instead of four times: about 2x the speed of one row
 * per pass in V8 (n=1024, fan-in 32, B=128: 1.1 -> 2.3 GFLOP/s).
 */
function axpy4(y: Floats, yo: number, x: Floats, a: number, c: number, d: number, f: number,
  w0: number, w1: number, w2: number, w3: number, B: number): void {
  for (let b = 0; b < B; b++) y[yo + b] += w0 * x[a + b] + w1 * x[c + b] + w2 * x[d + b] + w3 * x[f + b];
}

/** y[yo+b] += w * x[xo+b] for b < B. */
function axpy(y: Floats, yo: number, x: Floats, xo: number, w: number, B: number): void {
  for (let b = 0; b < B; b++) y[yo + b] += w * x[xo + b];
}

/** out[k+j] = sum over b < B of g[go+b] * x[rows_j + b] for the four rows a, c, d, f (j = 0..3). */
function dot4(out: Floats, k: number, g: Floats, go: number, x: Floats, a: number, c: number, d: number, f: number,
  B: number): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let b = 0; b < B; b++) {
    const v = g[go + b];
    s0 += v * x[a + b];
    s1 += v * x[c + b];
    s2 += v * x[d + b];
    s3 += v * x[f + b];
  }
  out[k] = s0;
  out[k + 1] = s1;
  out[k + 2] = s2;
  out[k + 3] = s3;
}

/** Sum over b < B of g[go+b] * x[xo+b]. */
function dot(g: Floats, go: number, x: Floats, xo: number, B: number): number {
  let s = 0;
  for (let b = 0; b < B; b++) s += g[go + b] * x[xo + b];
  return s;
}

/** The plain-TypeScript backend: the test oracle of every faster one, and the browser's backend until the wasm one is loaded. */
export const referenceKernels: Kernels = {
  name: 'reference',

  alloc: allocFloats,

  ...referenceConvKernels,

  // y[O,B] <- x[I,B], W[E], bias[O] | null; four edges of a target per pass; then the fused ReLU
  sparseForward(y, x, W, bias, index, B, relu = false) {
    const { outputs: O, targetOffsets, sources } = index;
    fillRows(y, bias, O, B);
    for (let t = 0; t < O; t++) {
      const yo = t * B;
      const end = targetOffsets[t + 1];
      let e = targetOffsets[t];
      for (; e + 4 <= end; e += 4) {
        axpy4(y, yo, x, sources[e] * B, sources[e + 1] * B, sources[e + 2] * B, sources[e + 3] * B,
          W[e], W[e + 1], W[e + 2], W[e + 3], B);
      }
      for (; e < end; e++) axpy(y, yo, x, sources[e] * B, W[e], B);
    }
    if (relu) this.reluForward(y, y, O * B);
  },

  // dx[I,B] <- dy[O,B], W[E]; gathers over the transpose (by source), no write collides; then the fused ReLU gradient
  sparseBackwardInput(dx, dy, W, index: SparseIndex, B, reluOf = null) {
    const { inputs: I, sourceOffsets, targets, edgeOf } = index;
    dx.fill(0, 0, I * B);
    for (let s = 0; s < I; s++) {
      const xo = s * B;
      const end = sourceOffsets[s + 1];
      let j = sourceOffsets[s];
      for (; j + 4 <= end; j += 4) {
        axpy4(dx, xo, dy, targets[j] * B, targets[j + 1] * B, targets[j + 2] * B, targets[j + 3] * B,
          W[edgeOf[j]], W[edgeOf[j + 1]], W[edgeOf[j + 2]], W[edgeOf[j + 3]], B);
      }
      for (; j < end; j++) axpy(dx, xo, dy, targets[j] * B, W[edgeOf[j]], B);
    }
    if (reluOf) this.reluBackward(dx, dx, reluOf, I * B);
  },

  // dW[E] <- dy[O,B], x[I,B]; then the fused bias gradient
  sparseBackwardWeight(dW, dy, x, index, B, db = null) {
    const { outputs: O, targetOffsets, sources } = index;
    for (let t = 0; t < O; t++) {
      const yo = t * B;
      const end = targetOffsets[t + 1];
      let e = targetOffsets[t];
      for (; e + 4 <= end; e += 4) {
        dot4(dW, e, dy, yo, x, sources[e] * B, sources[e + 1] * B, sources[e + 2] * B, sources[e + 3] * B, B);
      }
      for (; e < end; e++) dW[e] = dot(dy, yo, x, sources[e] * B, B);
    }
    if (db) this.biasBackward(db, dy, O, B);
  },

  // dx[I,B], dW[E] <- dy[O,B], x[I,B], W[E]: the two passes above, one after the other
  sparseBackward(dx, dW, dy, x, W, index, B, reluOf = null, db = null) {
    this.sparseBackwardInput(dx, dy, W, index, B, reluOf);
    this.sparseBackwardWeight(dW, dy, x, index, B, db);
  },

  // y[O,B] <- x[I,B], W[O,I], bias[O] | null; loops o, i (four at a time), b; then the fused ReLU
  denseForward(y, x, W, bias, I, O, B, relu = false) {
    fillRows(y, bias, O, B);
    for (let o = 0; o < O; o++) {
      const yo = o * B;
      const wo = o * I;
      let i = 0;
      for (; i + 4 <= I; i += 4) {
        axpy4(y, yo, x, i * B, (i + 1) * B, (i + 2) * B, (i + 3) * B,
          W[wo + i], W[wo + i + 1], W[wo + i + 2], W[wo + i + 3], B);
      }
      for (; i < I; i++) axpy(y, yo, x, i * B, W[wo + i], B);
    }
    if (relu) this.reluForward(y, y, O * B);
  },

  // dx[I,B] <- dy[O,B], W[O,I]; loops i, o (four at a time), b; then the fused ReLU gradient
  denseBackwardInput(dx, dy, W, I, O, B, reluOf = null) {
    dx.fill(0, 0, I * B);
    for (let i = 0; i < I; i++) {
      const xo = i * B;
      let o = 0;
      for (; o + 4 <= O; o += 4) {
        axpy4(dx, xo, dy, o * B, (o + 1) * B, (o + 2) * B, (o + 3) * B,
          W[o * I + i], W[(o + 1) * I + i], W[(o + 2) * I + i], W[(o + 3) * I + i], B);
      }
      for (; o < O; o++) axpy(dx, xo, dy, o * B, W[o * I + i], B);
    }
    if (reluOf) this.reluBackward(dx, dx, reluOf, I * B);
  },

  // dW[O,I] <- dy[O,B], x[I,B]
  denseBackwardWeight(dW, dy, x, I, O, B) {
    for (let o = 0; o < O; o++) {
      const yo = o * B;
      const wo = o * I;
      let i = 0;
      for (; i + 4 <= I; i += 4) dot4(dW, wo + i, dy, yo, x, i * B, (i + 1) * B, (i + 2) * B, (i + 3) * B, B);
      for (; i < I; i++) dW[wo + i] = dot(dy, yo, x, i * B, B);
    }
  },

  // db[O] <- dy[O,B]
  biasBackward(db, dy, O, B) {
    for (let o = 0; o < O; o++) {
      const yo = o * B;
      let s = 0;
      for (let b = 0; b < B; b++) s += dy[yo + b];
      db[o] = s;
    }
  },

  // y[N] <- x[N]
  reluForward(y, x, N) {
    for (let n = 0; n < N; n++) {
      const v = x[n];
      y[n] = v > 0 ? v : 0;
    }
  },

  // dx[N] <- dy[N], y[N]
  reluBackward(dx, dy, y, N) {
    for (let n = 0; n < N; n++) dx[n] = y[n] > 0 ? dy[n] : 0;
  },

  // y[U,B], xhat[U,B], mean[U], invStd[U] <- x[U,B], gamma[U], beta[U]
  batchNormForward(y, xhat, mean, invStd, x, gamma, beta, eps, U, B) {
    for (let u = 0; u < U; u++) {
      const o = u * B;
      let s = 0;
      for (let b = 0; b < B; b++) s += x[o + b];
      const m = s / B;
      let q = 0;
      for (let b = 0; b < B; b++) {
        const d = x[o + b] - m;
        q += d * d;
      }
      const r = 1 / Math.sqrt(q / B + eps);
      mean[u] = m;
      invStd[u] = r;
      const g = gamma[u];
      const c = beta[u];
      for (let b = 0; b < B; b++) {
        const h = (x[o + b] - m) * r;
        xhat[o + b] = h;
        y[o + b] = g * h + c;
      }
    }
  },

  // y[U,B] <- x[U,B], runningMean[U], runningVar[U], gamma[U], beta[U]
  batchNormInference(y, x, runningMean, runningVar, gamma, beta, eps, U, B) {
    for (let u = 0; u < U; u++) {
      const o = u * B;
      const scale = gamma[u] / Math.sqrt(runningVar[u] + eps);
      const shift = beta[u] - runningMean[u] * scale;
      for (let b = 0; b < B; b++) y[o + b] = x[o + b] * scale + shift;
    }
  },

  // dx[U,B], dGamma[U], dBeta[U] <- dy[U,B], xhat[U,B], invStd[U], gamma[U]
  // dx = gamma * invStd / B * (B * dy - sum(dy) - xhat * sum(dy * xhat))
  batchNormBackward(dx, dGamma, dBeta, dy, xhat, invStd, gamma, U, B) {
    for (let u = 0; u < U; u++) {
      const o = u * B;
      let sdy = 0;
      let sdyh = 0;
      for (let b = 0; b < B; b++) {
        const d = dy[o + b];
        sdy += d;
        sdyh += d * xhat[o + b];
      }
      dBeta[u] = sdy;
      dGamma[u] = sdyh;
      const k = (gamma[u] * invStd[u]) / B;
      for (let b = 0; b < B; b++) dx[o + b] = k * (B * dy[o + b] - sdy - xhat[o + b] * sdyh);
    }
  },

  // runningMean[U], runningVar[U] <- mean[U], invStd[U]
  batchNormRunningStats(runningMean, runningVar, mean, invStd, momentum, eps, unbias, U) {
    for (let u = 0; u < U; u++) {
      const r = invStd[u];
      const variance = 1 / (r * r) - eps;
      runningMean[u] = (1 - momentum) * runningMean[u] + momentum * mean[u];
      runningVar[u] = (1 - momentum) * runningVar[u] + momentum * Math.max(variance, 0) * unbias;
    }
  },

  // dLogits[C,B] <- logits[C,B], labels[B]; returns the mean loss. dLogits may alias logits.
  softmaxCrossEntropy(dLogits, logits, labels, C, B) {
    let total = 0;
    const invB = 1 / B;
    for (let b = 0; b < B; b++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) {
        const v = logits[c * B + b];
        if (v > max) max = v;
      }
      const label = labels[b];
      const zLabel = logits[label * B + b];
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const e = Math.exp(logits[c * B + b] - max);
        dLogits[c * B + b] = e;
        sum += e;
      }
      total += Math.log(sum) + max - zLabel;
      const k = invB / sum;
      for (let c = 0; c < C; c++) dLogits[c * B + b] *= k;
      dLogits[label * B + b] -= invB;
    }
    return total * invB;
  },

  // w[N], v[N] <- g[N]
  sgdMomentumStep(w, g, v, lr, momentum, weightDecay, N) {
    for (let n = 0; n < N; n++) {
      const vn = momentum * v[n] + (g[n] + weightDecay * w[n]);
      v[n] = vn;
      w[n] -= lr * vn;
    }
  },

  // w[N], m[N], v[N] <- g[N]
  adamStep(w, g, m, v, lr, beta1, beta2, eps, weightDecay, step, N) {
    const c1 = 1 / (1 - Math.pow(beta1, step));
    const c2 = 1 / (1 - Math.pow(beta2, step));
    for (let n = 0; n < N; n++) {
      const gn = g[n];
      const mn = beta1 * m[n] + (1 - beta1) * gn;
      const vn = beta2 * v[n] + (1 - beta2) * gn * gn;
      m[n] = mn;
      v[n] = vn;
      w[n] -= lr * ((mn * c1) / (Math.sqrt(vn * c2) + eps) + weightDecay * w[n]);
    }
  },

  // w[N] in place
  clampSign(w, sign, N) {
    if (sign === 1) {
      for (let n = 0; n < N; n++) if (w[n] < 0) w[n] = 0;
    } else {
      for (let n = 0; n < N; n++) if (w[n] > 0) w[n] = 0;
    }
  },

  // x[D,B] <- pixels[rows[b]][D] through table[C][256] (the loop of core/gather-bytes.ts)
  gatherBatch(x, pixels, rows, table, D, C, B) {
    gatherBytes(x, pixels, rows, table, D, C, B);
  },
};
