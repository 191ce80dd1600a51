/**
 * The reference convolution, pooling and residual kernels: plain TypeScript, generic over
 * Float32Array and Float64Array, the test oracle for faster backends (spread into
 * `referenceKernels`).
 *
 * Layout x[C][H][W][B] (conv-shape.ts): a channel is a block of H*W*B values, and one weight tap
 * (i, j) of an edge c -> t moves the whole input channel c, shifted by (i - p, j - p) and
 * subsampled by s, onto the output channel t. Every convolution kernel is therefore a loop over
 * (edge, tap) pairs calling one of three channel primitives:
 *   tapAxpy    y[t]  += w * shift(x[c])        forward
 *   tapAdjoint dx[c] += w * shift^T(dy[t])     backward input (same index pairs, roles swapped)
 *   tapDot     sum of dy[t] * shift(x[c])      backward weight
 * Each primitive clips the tap to the output positions whose input position lies inside the
 * image (zero padding costs nothing), so the innermost loop runs over a contiguous run: the batch
 * B, or at stride 1 a whole output row segment of (w1 - w0 + 1) * B values.
 *
 * The backward input passes gather by input channel (the path convolution over the transpose
 * index, the dense one over o for each c), so no two iterations write the same channel.
 *
 * Precision follows reference-kernels.ts: axpy-style kernels accumulate in the destination,
 * reductions (tapDot) in a float64 local.
 *
 * Shape legend: B batch, Ci/Co channels, H×W input, Ho×Wo output, k kernel, s stride, p padding,
 * E edges, C channels (pooling), N positions (global pooling) or any length.
 */
import type { Floats } from '../core/floats.js';
import type { ConvShape } from './conv-shape.js';
import type { Kernels } from './kernels.js';

/** The kernels of this file, a slice of the Kernels interface. */
export type ConvKernels = Pick<Kernels,
  | 'pathConvForward' | 'pathConvBackwardInput' | 'pathConvBackwardWeight'
  | 'convForward' | 'convBackwardInput' | 'convBackwardWeight'
  | 'maxPoolForward' | 'maxPoolBackward' | 'avgPoolForward' | 'avgPoolBackward'
  | 'globalAvgPoolForward' | 'globalAvgPoolBackward' | 'add'>;

/** First output index o >= 0 whose input o*s + tap - p is >= 0. */
function firstInside(tap: number, s: number, p: number): number {
  return Math.max(0, Math.ceil((p - tap) / s));
}

/** Last output index o < no whose input o*s + tap - p is < n (below the first when none is). */
function lastInside(tap: number, s: number, p: number, n: number, no: number): number {
  return Math.min(no - 1, Math.floor((n - 1 + p - tap) / s));
}

/** y[yo+m] += w * x[xo+m] for m < n. */
function axpy(y: Floats, yo: number, x: Floats, xo: number, w: number, n: number): void {
  for (let m = 0; m < n; m++) y[yo + m] += w * x[xo + m];
}

/** Sum over m < n of g[go+m] * x[xo+m]. */
function dot(g: Floats, go: number, x: Floats, xo: number, n: number): number {
  let sum = 0;
  for (let m = 0; m < n; m++) sum += g[go + m] * x[xo + m];
  return sum;
}

/**
 * One tap (i, j) of one edge, forward: y[yc + (ho,wo,b)] += w * x[xc + (ho*s+i-p, wo*s+j-p, b)]
 * over the output positions whose input lies inside the image. yc, xc: channel offsets.
 * `adjoint` swaps the roles: x[xc + input position] += w * y[yc + output position].
 */
function tapAxpy(y: Floats, yc: number, x: Floats, xc: number, w: number, shape: ConvShape, i: number, j: number,
  B: number, adjoint: boolean): void {
  const { inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, stride: s, padding: p } = shape;
  const h0 = firstInside(i, s, p);
  const h1 = lastInside(i, s, p, H, Ho);
  const w0 = firstInside(j, s, p);
  const w1 = lastInside(j, s, p, W, Wo);
  if (h0 > h1 || w0 > w1) return;
  if (s === 1) {
    const run = (w1 - w0 + 1) * B;
    for (let ho = h0; ho <= h1; ho++) {
      const yo = yc + (ho * Wo + w0) * B;
      const xo = xc + ((ho + i - p) * W + w0 + j - p) * B;
      if (adjoint) axpy(x, xo, y, yo, w, run);
      else axpy(y, yo, x, xo, w, run);
    }
    return;
  }
  for (let ho = h0; ho <= h1; ho++) {
    const yRow = yc + ho * Wo * B;
    const xRow = xc + (ho * s + i - p) * W * B;
    for (let wo = w0; wo <= w1; wo++) {
      const yo = yRow + wo * B;
      const xo = xRow + (wo * s + j - p) * B;
      if (adjoint) axpy(x, xo, y, yo, w, B);
      else axpy(y, yo, x, xo, w, B);
    }
  }
}

/** One tap (i, j) of one edge, backward weight: sum over (ho, wo, b) of dy[yc + ...] * x[xc + ...]. */
function tapDot(dy: Floats, yc: number, x: Floats, xc: number, shape: ConvShape, i: number, j: number, B: number): number {
  const { inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, stride: s, padding: p } = shape;
  const h0 = firstInside(i, s, p);
  const h1 = lastInside(i, s, p, H, Ho);
  const w0 = firstInside(j, s, p);
  const w1 = lastInside(j, s, p, W, Wo);
  let sum = 0;
  if (h0 > h1 || w0 > w1) return sum;
  if (s === 1) {
    const run = (w1 - w0 + 1) * B;
    for (let ho = h0; ho <= h1; ho++) {
      sum += dot(dy, yc + (ho * Wo + w0) * B, x, xc + ((ho + i - p) * W + w0 + j - p) * B, run);
    }
    return sum;
  }
  for (let ho = h0; ho <= h1; ho++) {
    const yRow = yc + ho * Wo * B;
    const xRow = xc + (ho * s + i - p) * W * B;
    for (let wo = w0; wo <= w1; wo++) sum += dot(dy, yRow + wo * B, x, xRow + (wo * s + j - p) * B, B);
  }
  return sum;
}

/** y[Co,Ho,Wo,B] = bias[t] (or 0) in every position of channel t. */
function fillChannels(y: Floats, bias: Floats | null, Co: number, run: number): void {
  if (bias === null) {
    y.fill(0, 0, Co * run);
    return;
  }
  for (let t = 0; t < Co; t++) y.fill(bias[t], t * run, t * run + run);
}

export const referenceConvKernels: ConvKernels = {
  // y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[E,k,k], bias[Co] | null; loops t, edges into t, taps
  pathConvForward(y, x, W, bias, index, shape, B) {
    const { outputs: Co, targetOffsets, sources } = index;
    const { inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    fillChannels(y, bias, Co, outRun);
    for (let t = 0; t < Co; t++) {
      for (let e = targetOffsets[t]; e < targetOffsets[t + 1]; e++) {
        const xc = sources[e] * inRun;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) tapAxpy(y, t * outRun, x, xc, W[e * kk + i * k + j], shape, i, j, B, false);
        }
      }
    }
  },

  // dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[E,k,k]; gathers by input channel over the transpose index
  pathConvBackwardInput(dx, dy, W, index, shape, B) {
    const { inputs: Ci, sourceOffsets, targets, edgeOf } = index;
    const { inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    dx.fill(0, 0, Ci * inRun);
    for (let c = 0; c < Ci; c++) {
      for (let m = sourceOffsets[c]; m < sourceOffsets[c + 1]; m++) {
        const yc = targets[m] * outRun;
        const wo = edgeOf[m] * kk;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) tapAxpy(dy, yc, dx, c * inRun, W[wo + i * k + j], shape, i, j, B, true);
        }
      }
    }
  },

  // dW[E,k,k] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B]
  pathConvBackwardWeight(dW, dy, x, index, shape, B) {
    const { outputs: Co, targetOffsets, sources } = index;
    const { inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    for (let t = 0; t < Co; t++) {
      for (let e = targetOffsets[t]; e < targetOffsets[t + 1]; e++) {
        const xc = sources[e] * inRun;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) dW[e * kk + i * k + j] = tapDot(dy, t * outRun, x, xc, shape, i, j, B);
        }
      }
    }
  },

  // y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[Co,Ci,k,k], bias[Co] | null; loops o, c, taps
  convForward(y, x, W, bias, shape, B) {
    const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    fillChannels(y, bias, Co, outRun);
    for (let o = 0; o < Co; o++) {
      for (let c = 0; c < Ci; c++) {
        const wo = (o * Ci + c) * kk;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) tapAxpy(y, o * outRun, x, c * inRun, W[wo + i * k + j], shape, i, j, B, false);
        }
      }
    }
  },

  // dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[Co,Ci,k,k]; loops c, o, taps
  convBackwardInput(dx, dy, W, shape, B) {
    const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    dx.fill(0, 0, Ci * inRun);
    for (let c = 0; c < Ci; c++) {
      for (let o = 0; o < Co; o++) {
        const wo = (o * Ci + c) * kk;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) tapAxpy(dy, o * outRun, dx, c * inRun, W[wo + i * k + j], shape, i, j, B, true);
        }
      }
    }
  },

  // dW[Co,Ci,k,k] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B]
  convBackwardWeight(dW, dy, x, shape, B) {
    const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    for (let o = 0; o < Co; o++) {
      for (let c = 0; c < Ci; c++) {
        const wo = (o * Ci + c) * kk;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) dW[wo + i * k + j] = tapDot(dy, o * outRun, x, c * inRun, shape, i, j, B);
        }
      }
    }
  },

  // y[C,Ho,Wo,B] <- x[C,H,W,B]; the first window position, then a running max over the rest
  maxPoolForward(y, x, shape, B) {
    const { channels: C, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, size: k, stride: s } = shape;
    for (let c = 0; c < C; c++) {
      for (let ho = 0; ho < Ho; ho++) {
        for (let wo = 0; wo < Wo; wo++) {
          const yo = ((c * Ho + ho) * Wo + wo) * B;
          const corner = ((c * H + ho * s) * W + wo * s) * B;
          for (let b = 0; b < B; b++) y[yo + b] = x[corner + b];
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              if (i === 0 && j === 0) continue;
              const xo = corner + (i * W + j) * B;
              for (let b = 0; b < B; b++) {
                const v = x[xo + b];
                if (v > y[yo + b]) y[yo + b] = v;
              }
            }
          }
        }
      }
    }
  },

  // dx[C,H,W,B] <- dy[C,Ho,Wo,B], x[C,H,W,B], y[C,Ho,Wo,B]; `open` marks the samples whose
  // argmax is not found yet, so the window scan stays outside the batch loop
  maxPoolBackward(dx, dy, x, y, shape, B) {
    const { channels: C, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, size: k, stride: s } = shape;
    const open = new Uint8Array(B);
    dx.fill(0, 0, C * H * W * B);
    for (let c = 0; c < C; c++) {
      for (let ho = 0; ho < Ho; ho++) {
        for (let wo = 0; wo < Wo; wo++) {
          const yo = ((c * Ho + ho) * Wo + wo) * B;
          const corner = ((c * H + ho * s) * W + wo * s) * B;
          open.fill(1);
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const xo = corner + (i * W + j) * B;
              for (let b = 0; b < B; b++) {
                if (open[b] === 1 && x[xo + b] === y[yo + b]) {
                  dx[xo + b] += dy[yo + b];
                  open[b] = 0;
                }
              }
            }
          }
        }
      }
    }
  },

  // y[C,Ho,Wo,B] <- x[C,H,W,B]; sums in the destination, then divides by size²
  avgPoolForward(y, x, shape, B) {
    const { channels: C, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, size: k, stride: s } = shape;
    const n = k * k;
    for (let c = 0; c < C; c++) {
      for (let ho = 0; ho < Ho; ho++) {
        for (let wo = 0; wo < Wo; wo++) {
          const yo = ((c * Ho + ho) * Wo + wo) * B;
          const corner = ((c * H + ho * s) * W + wo * s) * B;
          y.fill(0, yo, yo + B);
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const xo = corner + (i * W + j) * B;
              for (let b = 0; b < B; b++) y[yo + b] += x[xo + b];
            }
          }
          for (let b = 0; b < B; b++) y[yo + b] /= n;
        }
      }
    }
  },

  // dx[C,H,W,B] <- dy[C,Ho,Wo,B]; g[B] holds one output's dy / size²
  avgPoolBackward(dx, dy, shape, B) {
    const { channels: C, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, size: k, stride: s } = shape;
    const n = k * k;
    const g = new Float64Array(B);
    dx.fill(0, 0, C * H * W * B);
    for (let c = 0; c < C; c++) {
      for (let ho = 0; ho < Ho; ho++) {
        for (let wo = 0; wo < Wo; wo++) {
          const yo = ((c * Ho + ho) * Wo + wo) * B;
          const corner = ((c * H + ho * s) * W + wo * s) * B;
          for (let b = 0; b < B; b++) g[b] = dy[yo + b] / n;
          for (let i = 0; i < k; i++) {
            for (let j = 0; j < k; j++) {
              const xo = corner + (i * W + j) * B;
              for (let b = 0; b < B; b++) dx[xo + b] += g[b];
            }
          }
        }
      }
    }
  },

  // y[C,B] <- x[C,N,B]; sums in the destination, then divides by N
  globalAvgPoolForward(y, x, C, N, B) {
    for (let c = 0; c < C; c++) {
      const yo = c * B;
      y.fill(0, yo, yo + B);
      for (let n = 0; n < N; n++) {
        const xo = (c * N + n) * B;
        for (let b = 0; b < B; b++) y[yo + b] += x[xo + b];
      }
      for (let b = 0; b < B; b++) y[yo + b] /= N;
    }
  },

  // dx[C,N,B] <- dy[C,B]; the first position computed, the others copied from it
  globalAvgPoolBackward(dx, dy, C, N, B) {
    for (let c = 0; c < C; c++) {
      const first = c * N * B;
      for (let b = 0; b < B; b++) dx[first + b] = dy[c * B + b] / N;
      for (let n = 1; n < N; n++) dx.copyWithin(first + n * B, first, first + B);
    }
  },

  // y[N] <- a[N], b[N]; y may alias either
  add(y, a, b, N) {
    for (let n = 0; n < N; n++) y[n] = a[n] + b[n];
  },
};
