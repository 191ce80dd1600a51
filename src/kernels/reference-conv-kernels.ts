/**
 * The reference convolution, pooling and residual kernels: plain TypeScript, generic over
 * Float32Array and Float64Array, the test oracle for faster backends (spread into
 * `referenceKernels`).
 *
 * Layout x[C][H][W][B] (conv-shape.ts): a channel is a block of H*W*B values, and one weight tap
 * (i, j) of an edge c -> t moves the whole input channel c, shifted by (i - p, j - p) and
 * subsampled by s, onto the output channel t. Where that lands inside the image depends only on
 * the shape and the tap, so each call first lists, per tap, the segments (output position, input
 * position, length) that a tap covers (`tapSegments`): zero padding costs nothing, and a segment
 * is a contiguous run of length*B values: a whole clipped output row at stride 1, one position's
 * batch otherwise. Every convolution kernel is then a loop over (group of edges, tap) calling one
 * of two primitives over those segments:
 *   tapGather  dst += sum of w_q * shift(src_q) over up to four channels q, where dst is an
 *              output channel (forward) or an input channel (backward input: the same segments
 *              read the other way round);
 *   tapDot     the sums over the segments of dy[t] * shift(x[c_q]), for up to four channels q
 *              (backward weight).
 * Four edges at a time share the tap's segments and read and round the destination once per
 * pass instead of four times (the axpy4 of reference-kernels.ts, about 2x in V8); the rest go one
 * by one.
 *
 * The backward input passes gather by input channel (the path convolution over the transpose
 * index, the dense one over o for each c), so no two iterations write the same channel.
 *
 * Precision follows reference-kernels.ts: gathers accumulate in the destination (adding a sum of
 * up to four products formed in float64), dots in float64 locals over the segments in order, so
 * one (edge, tap) gives bit for bit the same dW whether it went in a group of four or alone.
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

/** The segments of every tap: tap r = i*k + j covers segments start[r] .. start[r+1]-1. */
interface TapSegments {
  readonly start: Int32Array;   // [k*k+1]
  /** [3 * segments]: output position ho*Wo + wo, input position h*W + w, length in positions */
  readonly seg: Int32Array;
}

// the segments of each tap of `shape` where the input position lies inside the image
function tapSegments(shape: ConvShape): TapSegments {
  const { inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, kernel: k, stride: s, padding: p } = shape;
  const start = new Int32Array(k * k + 1);
  const seg: number[] = [];
  for (let i = 0; i < k; i++) {
    const h0 = firstInside(i, s, p);
    const h1 = lastInside(i, s, p, H, Ho);
    for (let j = 0; j < k; j++) {
      const w0 = firstInside(j, s, p);
      const w1 = lastInside(j, s, p, W, Wo);
      for (let ho = h0; ho <= h1 && w0 <= w1; ho++) {
        const h = ho * s + i - p;
        if (s === 1) seg.push(ho * Wo + w0, h * W + w0 + j - p, w1 - w0 + 1);
        else for (let wo = w0; wo <= w1; wo++) seg.push(ho * Wo + wo, h * W + wo * s + j - p, 1);
      }
      start[i * k + j + 1] = seg.length / 3;
    }
  }
  return { start, seg: Int32Array.from(seg) };
}

/** Which position of a segment a destination channel is indexed by. */
const OUTPUT = 0;
const INPUT = 1;

/**
 * Tap r over four channels: d[dc + (dst pos)*B + m] += w0 * src[a + (src pos)*B + m] + ... + w3 * src[f + ...]
 * for every segment of r and m < its length * B. `side` says whether the destination is the
 * output channel (forward) or the input channel (backward input); the sources are the other side.
 */
function tapGather4(d: Floats, dc: number, src: Floats, a: number, c: number, e: number, f: number,
  w0: number, w1: number, w2: number, w3: number, t: TapSegments, r: number, side: number, B: number): void {
  const seg = t.seg;
  for (let g = t.start[r]; g < t.start[r + 1]; g++) {
    const dOff = dc + seg[3 * g + side] * B;
    const sOff = seg[3 * g + 1 - side] * B;
    const n = seg[3 * g + 2] * B;
    const sa = a + sOff;
    const sc = c + sOff;
    const se = e + sOff;
    const sf = f + sOff;
    for (let m = 0; m < n; m++) d[dOff + m] += w0 * src[sa + m] + w1 * src[sc + m] + w2 * src[se + m] + w3 * src[sf + m];
  }
}

/** Tap r over one channel: d[dc + (dst pos)*B + m] += w * src[a + (src pos)*B + m]. */
function tapGather(d: Floats, dc: number, src: Floats, a: number, w: number, t: TapSegments, r: number, side: number,
  B: number): void {
  const seg = t.seg;
  for (let g = t.start[r]; g < t.start[r + 1]; g++) {
    const dOff = dc + seg[3 * g + side] * B;
    const sa = a + seg[3 * g + 1 - side] * B;
    const n = seg[3 * g + 2] * B;
    for (let m = 0; m < n; m++) d[dOff + m] += w * src[sa + m];
  }
}

/**
 * Tap r, backward weight of four edges into one output channel: out[o + q*stride] = sum over the
 * segments of dy[yc + (out pos)*B + m] * x[x_q + (in pos)*B + m] for q = 0..3 (x_q = a, c, e, f).
 */
function tapDot4(out: Floats, o: number, stride: number, dy: Floats, yc: number, x: Floats, a: number, c: number,
  e: number, f: number, t: TapSegments, r: number, B: number): void {
  const seg = t.seg;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let g = t.start[r]; g < t.start[r + 1]; g++) {
    const yo = yc + seg[3 * g] * B;
    const xOff = seg[3 * g + 1] * B;
    const n = seg[3 * g + 2] * B;
    const xa = a + xOff;
    const xc = c + xOff;
    const xe = e + xOff;
    const xf = f + xOff;
    for (let m = 0; m < n; m++) {
      const v = dy[yo + m];
      s0 += v * x[xa + m];
      s1 += v * x[xc + m];
      s2 += v * x[xe + m];
      s3 += v * x[xf + m];
    }
  }
  out[o] = s0;
  out[o + stride] = s1;
  out[o + 2 * stride] = s2;
  out[o + 3 * stride] = s3;
}

/** Tap r, backward weight of one edge: the sum over the segments of dy[yc + ...] * x[a + ...]. */
function tapDot(dy: Floats, yc: number, x: Floats, a: number, t: TapSegments, r: number, B: number): number {
  const seg = t.seg;
  let sum = 0;
  for (let g = t.start[r]; g < t.start[r + 1]; g++) {
    const yo = yc + seg[3 * g] * B;
    const xa = a + seg[3 * g + 1] * B;
    const n = seg[3 * g + 2] * B;
    for (let m = 0; m < n; m++) sum += dy[yo + m] * x[xa + m];
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
  // y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[E,k,k], bias[Co] | null; loops t, edges into t (four at a time), taps
  pathConvForward(y, x, W, bias, index, shape, B) {
    const { outputs: Co, targetOffsets, sources } = index;
    const { inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    const taps = tapSegments(shape);
    fillChannels(y, bias, Co, outRun);
    for (let t = 0; t < Co; t++) {
      const yc = t * outRun;
      const end = targetOffsets[t + 1];
      let e = targetOffsets[t];
      for (; e + 4 <= end; e += 4) {
        const [a, c, d, f] = [sources[e] * inRun, sources[e + 1] * inRun, sources[e + 2] * inRun, sources[e + 3] * inRun];
        for (let r = 0; r < kk; r++) {
          tapGather4(y, yc, x, a, c, d, f, W[e * kk + r], W[(e + 1) * kk + r], W[(e + 2) * kk + r], W[(e + 3) * kk + r],
            taps, r, OUTPUT, B);
        }
      }
      for (; e < end; e++) for (let r = 0; r < kk; r++) tapGather(y, yc, x, sources[e] * inRun, W[e * kk + r], taps, r, OUTPUT, B);
    }
  },

  // dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[E,k,k]; gathers by input channel over the transpose index
  pathConvBackwardInput(dx, dy, W, index, shape, B) {
    const { inputs: Ci, sourceOffsets, targets, edgeOf } = index;
    const { inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    const taps = tapSegments(shape);
    dx.fill(0, 0, Ci * inRun);
    for (let c = 0; c < Ci; c++) {
      const xc = c * inRun;
      const end = sourceOffsets[c + 1];
      let j = sourceOffsets[c];
      for (; j + 4 <= end; j += 4) {
        const [a, b, d, f] = [targets[j] * outRun, targets[j + 1] * outRun, targets[j + 2] * outRun, targets[j + 3] * outRun];
        const [e0, e1, e2, e3] = [edgeOf[j] * kk, edgeOf[j + 1] * kk, edgeOf[j + 2] * kk, edgeOf[j + 3] * kk];
        for (let r = 0; r < kk; r++) {
          tapGather4(dx, xc, dy, a, b, d, f, W[e0 + r], W[e1 + r], W[e2 + r], W[e3 + r], taps, r, INPUT, B);
        }
      }
      for (; j < end; j++) {
        for (let r = 0; r < kk; r++) tapGather(dx, xc, dy, targets[j] * outRun, W[edgeOf[j] * kk + r], taps, r, INPUT, B);
      }
    }
  },

  // dW[E,k,k] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B]; loops t, edges into t (four at a time), taps
  pathConvBackwardWeight(dW, dy, x, index, shape, B) {
    const { outputs: Co, targetOffsets, sources } = index;
    const { inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    const taps = tapSegments(shape);
    for (let t = 0; t < Co; t++) {
      const yc = t * outRun;
      const end = targetOffsets[t + 1];
      let e = targetOffsets[t];
      for (; e + 4 <= end; e += 4) {
        const [a, c, d, f] = [sources[e] * inRun, sources[e + 1] * inRun, sources[e + 2] * inRun, sources[e + 3] * inRun];
        for (let r = 0; r < kk; r++) tapDot4(dW, e * kk + r, kk, dy, yc, x, a, c, d, f, taps, r, B);
      }
      for (; e < end; e++) for (let r = 0; r < kk; r++) dW[e * kk + r] = tapDot(dy, yc, x, sources[e] * inRun, taps, r, B);
    }
  },

  // y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[Co,Ci,k,k], bias[Co] | null; loops o, c (four at a time), taps
  convForward(y, x, W, bias, shape, B) {
    const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    const taps = tapSegments(shape);
    fillChannels(y, bias, Co, outRun);
    for (let o = 0; o < Co; o++) {
      const yc = o * outRun;
      let c = 0;
      for (; c + 4 <= Ci; c += 4) {
        const w = (o * Ci + c) * kk;
        for (let r = 0; r < kk; r++) {
          tapGather4(y, yc, x, c * inRun, (c + 1) * inRun, (c + 2) * inRun, (c + 3) * inRun,
            W[w + r], W[w + kk + r], W[w + 2 * kk + r], W[w + 3 * kk + r], taps, r, OUTPUT, B);
        }
      }
      for (; c < Ci; c++) for (let r = 0; r < kk; r++) tapGather(y, yc, x, c * inRun, W[(o * Ci + c) * kk + r], taps, r, OUTPUT, B);
    }
  },

  // dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[Co,Ci,k,k]; loops c, o (four at a time), taps
  convBackwardInput(dx, dy, W, shape, B) {
    const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    const taps = tapSegments(shape);
    const oStride = Ci * kk; // from W[o,c] to W[o+1,c]
    dx.fill(0, 0, Ci * inRun);
    for (let c = 0; c < Ci; c++) {
      const xc = c * inRun;
      let o = 0;
      for (; o + 4 <= Co; o += 4) {
        const w = (o * Ci + c) * kk;
        for (let r = 0; r < kk; r++) {
          tapGather4(dx, xc, dy, o * outRun, (o + 1) * outRun, (o + 2) * outRun, (o + 3) * outRun,
            W[w + r], W[w + oStride + r], W[w + 2 * oStride + r], W[w + 3 * oStride + r], taps, r, INPUT, B);
        }
      }
      for (; o < Co; o++) for (let r = 0; r < kk; r++) tapGather(dx, xc, dy, o * outRun, W[(o * Ci + c) * kk + r], taps, r, INPUT, B);
    }
  },

  // dW[Co,Ci,k,k] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B]; loops o, c (four at a time), taps
  convBackwardWeight(dW, dy, x, shape, B) {
    const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    const inRun = H * Wi * B;
    const outRun = Ho * Wo * B;
    const kk = k * k;
    const taps = tapSegments(shape);
    for (let o = 0; o < Co; o++) {
      const yc = o * outRun;
      let c = 0;
      for (; c + 4 <= Ci; c += 4) {
        for (let r = 0; r < kk; r++) {
          tapDot4(dW, (o * Ci + c) * kk + r, kk, dy, yc, x, c * inRun, (c + 1) * inRun, (c + 2) * inRun, (c + 3) * inRun, taps, r, B);
        }
      }
      for (; c < Ci; c++) for (let r = 0; r < kk; r++) dW[(o * Ci + c) * kk + r] = tapDot(dy, yc, x, c * inRun, taps, r, B);
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
