/**
 * The compute interface. Every layer calls these functions and nothing else for its arithmetic;
 * backends (the plain TypeScript reference here, wasm SIMD and threads later) implement it.
 *
 * Conventions, shared by every backend:
 * - Destination first, then inputs, then sizes.
 * - Activations are unit-major with the batch innermost: element (unit u, sample b) is at
 *   `u * B + b`. Every weight then meets a contiguous run of B values.
 * - Sparse layers are given in gather form (CSR by target): the edges into target t are
 *   `targetOffsets[t] .. targetOffsets[t+1]-1`, `sources[e]` is the source unit of edge e and
 *   `W[e]` its weight, so the weights of one target are contiguous. The transpose (CSR by
 *   source) lists, for source s, the edges `sourceOffsets[s] .. sourceOffsets[s+1]-1` with
 *   `targets[j]` the target unit and `edgeOf[j]` the index of that edge's weight in W.
 * - Dense weights are row-major [O][I]: W[o * I + i].
 * - Kernels overwrite their destination unless the name says "Accumulate".
 * - Kernels know typed arrays and index arrays, never paths or topologies.
 * - Images are x[C][H][W][B] (see conv-shape.ts): a channel is a unit of H*W*B values, so batch
 *   normalisation over channels is batchNorm* with U = C and B = H*W*B, and a convolution's bias
 *   gradient is biasBackward with B = Ho*Wo*B.
 * - A path convolution is a sparse layer over channels (SparseIndex with I = Ci, O = Co) whose
 *   edges are k×k kernels: W[E][k][k], edge-major in gather order, taps row-major. A dense
 *   convolution's weights are W[Co][Ci][k][k] (PyTorch's order).
 *
 * Shape legend: B batch, I inputs, O outputs, E edges, C classes (or channels), N any length;
 * images: Ci/Co channels, H×W input, Ho×Wo output, k kernel, s stride, p padding.
 */
import type { Floats, Precision } from '../core/floats.js';
import type { ConvShape, PoolShape } from './conv-shape.js';

/** Gather form of a sparse layer (see the file comment). */
export interface SparseIndex {
  readonly inputs: number;              // I
  readonly outputs: number;             // O
  readonly targetOffsets: Int32Array;   // [O+1]
  readonly sources: Int32Array;         // [E]
  readonly sourceOffsets: Int32Array;   // [I+1]
  readonly targets: Int32Array;         // [E], source-major
  readonly edgeOf: Int32Array;          // [E], source-major -> gather-order edge index
}

/** The compute interface every layer calls for its arithmetic; each backend (reference, wasm, threads) implements all of it. */
export interface Kernels {
  readonly name: string;

  /**
   * A zeroed array of n elements that this backend computes on in place (the wasm backend hands
   * out views of its own memory). Every array a layer, optimiser or trainer passes to a kernel
   * is allocated here; backends fall back to plain code for arrays they did not allocate.
   */
  alloc(precision: Precision, n: number): Floats;

  /**
   * y[O,B] = bias[O] + sum over edges e into t of W[e] * x[src(e),B]. bias may be null. With `relu`,
   * then y = y > 0 ? y : +0: the ReLU that follows the layer, fused (reluForward's bits).
   */
  sparseForward(y: Floats, x: Floats, W: Floats, bias: Floats | null, index: SparseIndex, B: number, relu?: boolean): void;
  /**
   * dx[I,B] = sum over edges e out of s of W[e] * dy[tgt(e),B]. With `reluOf` (the output [I,B] of a
   * ReLU that feeds this layer, usually its input x), then dx = reluOf > 0 ? dx : +0: that ReLU's
   * gradient, fused (reluBackward's bits).
   */
  sparseBackwardInput(dx: Floats, dy: Floats, W: Floats, index: SparseIndex, B: number, reluOf?: Floats | null): void;
  /**
   * dW[E] = sum_b dy[tgt(e),b] * x[src(e),b]. With `db`, also db[O] = sum_b dy[O,b]: the layer's bias
   * gradient, fused (biasBackward's bits).
   */
  sparseBackwardWeight(dW: Floats, dy: Floats, x: Floats, index: SparseIndex, B: number, db?: Floats | null): void;
  /**
   * Both backward results at once: dx as sparseBackwardInput and dW as sparseBackwardWeight,
   * with the same values (every backend runs the two kernels; a one-pass wasm kernel measured slower).
   */
  sparseBackward(dx: Floats, dW: Floats, dy: Floats, x: Floats, W: Floats, index: SparseIndex, B: number, reluOf?: Floats | null,
    db?: Floats | null): void;

  /** y[O,B] = bias[O] + W[O,I] x[I,B]. bias may be null. `relu` as in sparseForward. */
  denseForward(y: Floats, x: Floats, W: Floats, bias: Floats | null, I: number, O: number, B: number, relu?: boolean): void;
  /** dx[I,B] = W[O,I]^T dy[O,B]. `reluOf` as in sparseBackwardInput. */
  denseBackwardInput(dx: Floats, dy: Floats, W: Floats, I: number, O: number, B: number, reluOf?: Floats | null): void;
  /** dW[O,I] = dy[O,B] x[I,B]^T. */
  denseBackwardWeight(dW: Floats, dy: Floats, x: Floats, I: number, O: number, B: number): void;

  /**
   * Path convolution: y[Co,Ho,Wo,B] = bias[t] + sum over edges e into t, taps (i, j) of
   * W[e,i,j] * x[src(e), ho*s+i-p, wo*s+j-p, b], with x zero outside the image. bias may be null.
   * index.inputs = Ci, index.outputs = Co.
   */
  pathConvForward(y: Floats, x: Floats, W: Floats, bias: Floats | null, index: SparseIndex, shape: ConvShape, B: number): void;
  /** dx[Ci,H,W,B] = the adjoint of pathConvForward (without bias) applied to dy[Co,Ho,Wo,B]. */
  pathConvBackwardInput(dx: Floats, dy: Floats, W: Floats, index: SparseIndex, shape: ConvShape, B: number): void;
  /** dW[E,k,k]: dW[e,i,j] = sum over ho, wo, b of dy[tgt(e),ho,wo,b] * x[src(e), ho*s+i-p, wo*s+j-p, b]. */
  pathConvBackwardWeight(dW: Floats, dy: Floats, x: Floats, index: SparseIndex, shape: ConvShape, B: number): void;

  /** Dense convolution: as pathConvForward with every edge, weights W[Co,Ci,k,k]. bias may be null. */
  convForward(y: Floats, x: Floats, W: Floats, bias: Floats | null, shape: ConvShape, B: number): void;
  /** dx[Ci,H,W,B] = the adjoint of convForward (without bias) applied to dy[Co,Ho,Wo,B]. */
  convBackwardInput(dx: Floats, dy: Floats, W: Floats, shape: ConvShape, B: number): void;
  /** dW[Co,Ci,k,k]: dW[o,c,i,j] = sum over ho, wo, b of dy[o,ho,wo,b] * x[c, ho*s+i-p, wo*s+j-p, b]. */
  convBackwardWeight(dW: Floats, dy: Floats, x: Floats, shape: ConvShape, B: number): void;

  /** y[C,Ho,Wo,B] = max of x over each window. */
  maxPoolForward(y: Floats, x: Floats, shape: PoolShape, B: number): void;
  /**
   * dx[C,H,W,B]: each output's dy goes to the first position of its window (row-major) where x
   * equals the output y; overlapping windows add up. Recomputing the argmax keeps no index array.
   */
  maxPoolBackward(dx: Floats, dy: Floats, x: Floats, y: Floats, shape: PoolShape, B: number): void;
  /** y[C,Ho,Wo,B] = mean of x over each window (size² values). */
  avgPoolForward(y: Floats, x: Floats, shape: PoolShape, B: number): void;
  /** dx[C,H,W,B]: each dy / size² goes to every position of its window; overlapping windows add up. */
  avgPoolBackward(dx: Floats, dy: Floats, shape: PoolShape, B: number): void;
  /** y[C,B] = mean over the N positions of x[C,N,B] (N = H*W). */
  globalAvgPoolForward(y: Floats, x: Floats, C: number, N: number, B: number): void;
  /** dx[C,N,B] = dy[C,B] / N at every position. */
  globalAvgPoolBackward(dx: Floats, dy: Floats, C: number, N: number, B: number): void;

  /** y[N] = a[N] + b[N] (residual sums, and gradients meeting at a fork). y may alias a or b. */
  add(y: Floats, a: Floats, b: Floats, N: number): void;

  /** db[O] = sum_b dy[O,B]. */
  biasBackward(db: Floats, dy: Floats, O: number, B: number): void;

  /** y[N] = max(x[N], 0). y may alias x. */
  reluForward(y: Floats, x: Floats, N: number): void;
  /** dx[N] = y[N] > 0 ? dy[N] : 0, where y is the ReLU output. dx may alias dy. */
  reluBackward(dx: Floats, dy: Floats, y: Floats, N: number): void;

  /**
   * Batch normalisation over the batch, per unit, in training mode.
   * xhat[U,B] = (x - mean) / sqrt(var + eps); y = gamma * xhat + beta.
   * Writes mean[U] and invStd[U] (biased variance) for the backward pass.
   */
  batchNormForward(y: Floats, xhat: Floats, mean: Floats, invStd: Floats, x: Floats,
    gamma: Floats, beta: Floats, eps: number, U: number, B: number): void;
  /** Inference mode: y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta. */
  batchNormInference(y: Floats, x: Floats, runningMean: Floats, runningVar: Floats,
    gamma: Floats, beta: Floats, eps: number, U: number, B: number): void;
  /** Gradients of the training-mode forward: dx[U,B], dGamma[U], dBeta[U]. */
  batchNormBackward(dx: Floats, dGamma: Floats, dBeta: Floats, dy: Floats, xhat: Floats,
    invStd: Floats, gamma: Floats, U: number, B: number): void;
  /**
   * The running statistics a training-mode forward leaves for inference, from its mean[U] and
   * invStd[U]: runningMean = (1 - momentum) runningMean + momentum mean; runningVar = (1 -
   * momentum) runningVar + momentum max(1 / invStd² - eps, 0) unbias, where unbias (n / (n - 1)
   * over n values) makes the batch's biased variance unbiased. In float64, each result rounded
   * once to the arrays' precision.
   */
  batchNormRunningStats(runningMean: Floats, runningVar: Floats, mean: Floats, invStd: Floats, momentum: number,
    eps: number, unbias: number, U: number): void;

  /**
   * Mean softmax cross-entropy over the batch. logits[C,B], labels[B] in [0, C).
   * Writes dLogits[C,B] = (softmax - onehot) / B and returns the mean loss.
   */
  softmaxCrossEntropy(dLogits: Floats, logits: Floats, labels: Uint8Array | Int32Array, C: number, B: number): number;

  /** v = momentum * v + (g + weightDecay * w); w -= lr * v. Over N elements. */
  sgdMomentumStep(w: Floats, g: Floats, v: Floats, lr: number, momentum: number, weightDecay: number, N: number): void;
  /**
   * Adam with decoupled weight decay (AdamW): m, v moments, `step` counts from 1.
   * w -= lr * (mhat / (sqrt(vhat) + eps) + weightDecay * w).
   */
  adamStep(w: Floats, g: Floats, m: Floats, v: Floats, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, step: number, N: number): void;
  /**
   * Keeps fixed-sign weights on their side of zero, in place (the optimiser runs it after each
   * step on a parameter with a sign constraint): sign 1 sets w[n] < 0 to +0, sign -1 sets w[n] > 0
   * to +0; every other value (zeros of either sign, NaN) stays. Over N elements.
   */
  clampSign(w: Floats, sign: 1 | -1, N: number): void;

  /**
   * Batching: x[D,B] = table[c * 256 + pixels[rows[b] * D + d]], c = floor(d / (D / C)) the channel
   * of feature d: the samples rows[0..B) (D bytes each) gathered from `pixels` and mapped through
   * a 256-entry table per channel (table[C][256]). C divides D; rows[b] < pixels.length / D.
   * `pixels` must not change between calls: a backend may keep its own copy of the array (the wasm
   * backend copies a dataset into its memory the first time it sees it, so that every thread reads
   * the samples in place).
   */
  gatherBatch(x: Floats, pixels: Uint8Array, rows: Int32Array | Uint32Array, table: Floats, D: number, C: number, B: number): void;
}
