/**
 * The convolution kernels of `Kernels` (src/kernels/kernels.ts), each over one range of its
 * partition dimension so that a worker pool can split it:
 * - forward: output channels (path: the gather CSR by target; dense: groups of 4 channels);
 * - backward input: input channels (path: the transpose by source, weights through edgeOf);
 * - backward weight: output channels (path: a target's edges, in pairs that share dy).
 * A channel is computed the same way in any range (see the engines), so results are bit-identical
 * for any thread count.
 *
 * Engines: conv-gather.ts (forward; backward input at stride 1 as the forward gather of dy with
 * flipped kernels), conv-transposed.ts (backward input at stride >= 2), conv-weight.ts (weights).
 * Path convolutions on block-dense layers at batches that 16 divides run conv-blocks.ts instead
 * (its own exports; the same bits).
 *
 * Shape legend: B batch, Ci/Co channels, H×W input, Ho×Wo output, k kernel, s stride, p padding,
 * E edges. Weights: path W[E][k][k] (gather order), dense W[Co][Ci][k][k]. Pointers are bytes.
 */
import { batchBlock, gatherDense, gatherRow, outPlaneBytes, outRows, setEdges, setGeometry } from './conv-gather';
import { setTransposedEdges, setTransposedGeometry, transposedUnit } from './conv-transposed';
import { edgeDots, inPlaneBytes, outPlaneBytes as dyPlaneBytes, setWeightGeometry, slide1, slideR2, slideX2,
  useSlides } from './conv-weight';
import { biasAt } from './simd';

// y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[E,k,k], bias[Co] | 0, targetOffsets[Co+1], sources[E]; targets [t0, t1)
export function pathConvForward(t0: i32, t1: i32, y: usize, x: usize, W: usize, bias: usize, targetOffsets: usize,
  sources: usize, H: i32, Wd: i32, Ho: i32, Wo: i32, k: i32, s: i32, p: i32, B: i32): void {
  setGeometry(H, Wd, Ho, Wo, k, s, p, B, false);
  const edge = <usize>(k * k) << 2;
  const plane = outPlaneBytes();
  const block = batchBlock();
  for (let oh = 0; oh < Ho; oh++) {
    for (let b = 0; b < B; b += block) {
      for (let t = t0; t < t1; t++) {
        const e0 = load<i32>(targetOffsets + (<usize>t << 2));
        const e1 = load<i32>(targetOffsets + (<usize>t << 2), 4);
        setEdges(sources + (<usize>e0 << 2), 0, W + <usize>e0 * edge, edge, e1 - e0);
        gatherRow(y + <usize>t * plane, x, biasAt(bias, t), oh, b, min(b + block, B));
      }
    }
  }
}

// dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[E,k,k], sourceOffsets[Ci+1], targets[E], edgeOf[E]; sources [s0, s1)
export function pathConvBackwardInput(s0: i32, s1: i32, dx: usize, dy: usize, W: usize, sourceOffsets: usize,
  targets: usize, edgeOf: usize, H: i32, Wd: i32, Ho: i32, Wo: i32, k: i32, s: i32, p: i32, B: i32): void {
  const edge = <usize>(k * k) << 2;
  const plane = <usize>(H * Wd * B) << 2;
  if (s == 1) setGeometry(Ho, Wo, H, Wd, k, 1, k - 1 - p, B, true);
  else setTransposedGeometry(H, Wd, Ho, Wo, k, s, p, B);
  if (s == 1) {
    // rows outermost (see gatherRow)
    const OH = outRows();
    const block = batchBlock();
    for (let h = 0; h < OH; h++) {
      for (let b = 0; b < B; b += block) {
        for (let c = s0; c < s1; c++) {
          const j0 = load<i32>(sourceOffsets + (<usize>c << 2));
          const j1 = load<i32>(sourceOffsets + (<usize>c << 2), 4);
          setEdges(targets + (<usize>j0 << 2), edgeOf + (<usize>j0 << 2), W, edge, j1 - j0);
          gatherRow(dx + <usize>c * plane, dy, 0, h, b, min(b + block, B));
        }
      }
    }
    return;
  }
  for (let c = s0; c < s1; c++) {
    const j0 = load<i32>(sourceOffsets + (<usize>c << 2));
    const j1 = load<i32>(sourceOffsets + (<usize>c << 2), 4);
    setTransposedEdges(targets + (<usize>j0 << 2), edgeOf + (<usize>j0 << 2), W, edge, j1 - j0);
    transposedUnit(dx + <usize>c * plane, dy);
  }
}

// dW[E,k,k] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B], targetOffsets[Co+1], sources[E]; targets [t0, t1)
export function pathConvBackwardWeight(t0: i32, t1: i32, dW: usize, dy: usize, x: usize, targetOffsets: usize,
  sources: usize, H: i32, Wd: i32, Ho: i32, Wo: i32, k: i32, s: i32, p: i32, B: i32): void {
  setWeightGeometry(H, Wd, Ho, Wo, k, s, p, B);
  const edge = <usize>(k * k) << 2;
  const xPlane = inPlaneBytes();
  const rPlane = dyPlaneBytes();
  const slides = useSlides();
  for (let t = t0; t < t1; t++) {
    const R = dy + <usize>t * rPlane;
    const e1 = load<i32>(targetOffsets + (<usize>t << 2), 4);
    let e = load<i32>(targetOffsets + (<usize>t << 2));
    if (slides) {
      // pairs of edges share each dy vector; 12 bytes per tap row
      for (; e + 2 <= e1; e += 2) {
        const da = dW + <usize>e * edge;
        const Xa = x + <usize>load<i32>(sources + (<usize>e << 2)) * xPlane;
        const Xb = x + <usize>load<i32>(sources + (<usize>e << 2), 4) * xPlane;
        for (let i = 0; i < 3; i++) slideR2(da + <usize>i * 12, da + edge + <usize>i * 12, R, Xa, Xb, i);
      }
      if (e < e1) {
        const da = dW + <usize>e * edge;
        const Xa = x + <usize>load<i32>(sources + (<usize>e << 2)) * xPlane;
        for (let i = 0; i < 3; i++) slide1(da + <usize>i * 12, R, Xa, i);
      }
    } else {
      for (; e < e1; e++) edgeDots(dW + <usize>e * edge, R, x + <usize>load<i32>(sources + (<usize>e << 2)) * xPlane);
    }
  }
}

// y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[Co,Ci,k,k], bias[Co] | 0; output channels [o0, o1)
export function convForward(o0: i32, o1: i32, y: usize, x: usize, W: usize, bias: usize, Ci: i32, H: i32, Wd: i32,
  Ho: i32, Wo: i32, k: i32, s: i32, p: i32, B: i32): void {
  setGeometry(H, Wd, Ho, Wo, k, s, p, B, false);
  const edge = <usize>(k * k) << 2;
  gatherDense(o0, o1, y, x, W, bias, <usize>Ci * edge, edge, Ci);
}

// dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[Co,Ci,k,k]; input channels [c0, c1)
export function convBackwardInput(c0: i32, c1: i32, dx: usize, dy: usize, W: usize, Ci: i32, Co: i32, H: i32, Wd: i32,
  Ho: i32, Wo: i32, k: i32, s: i32, p: i32, B: i32): void {
  const edge = <usize>(k * k) << 2;
  if (s == 1) {
    // channel c's edge o: dy[o] with the flipped block W[o][c]
    setGeometry(Ho, Wo, H, Wd, k, 1, k - 1 - p, B, true);
    gatherDense(c0, c1, dx, dy, W, 0, edge, <usize>Ci * edge, Co);
    return;
  }
  setTransposedGeometry(H, Wd, Ho, Wo, k, s, p, B);
  const plane = <usize>(H * Wd * B) << 2;
  for (let c = c0; c < c1; c++) {
    setTransposedEdges(0, 0, W + <usize>c * edge, <usize>Ci * edge, Co);
    transposedUnit(dx + <usize>c * plane, dy);
  }
}

// dW[Co,Ci,k,k] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B]; output channels [o0, o1)
export function convBackwardWeight(o0: i32, o1: i32, dW: usize, dy: usize, x: usize, Ci: i32, H: i32, Wd: i32, Ho: i32,
  Wo: i32, k: i32, s: i32, p: i32, B: i32): void {
  setWeightGeometry(H, Wd, Ho, Wo, k, s, p, B);
  const edge = <usize>(k * k) << 2;
  const row = <usize>Ci * edge; // dW bytes of one output channel
  const xPlane = inPlaneBytes();
  const rPlane = dyPlaneBytes();
  let o = o0;
  if (useSlides()) {
    // pairs of output channels share each x vector
    for (; o + 2 <= o1; o += 2) {
      const Ra = dy + <usize>o * rPlane;
      for (let c = 0; c < Ci; c++) {
        const da = dW + <usize>o * row + <usize>c * edge;
        const X = x + <usize>c * xPlane;
        for (let i = 0; i < 3; i++) slideX2(da + <usize>i * 12, da + row + <usize>i * 12, Ra, Ra + rPlane, X, i);
      }
    }
    for (; o < o1; o++) {
      const R = dy + <usize>o * rPlane;
      for (let c = 0; c < Ci; c++) {
        const da = dW + <usize>o * row + <usize>c * edge;
        for (let i = 0; i < 3; i++) slide1(da + <usize>i * 12, R, x + <usize>c * xPlane, i);
      }
    }
    return;
  }
  for (; o < o1; o++) {
    const R = dy + <usize>o * rPlane;
    for (let c = 0; c < Ci; c++) edgeDots(dW + <usize>o * row + <usize>c * edge, R, x + <usize>c * xPlane);
  }
}
