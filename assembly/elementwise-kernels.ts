/**
 * Element-wise kernels over a range [n0, n1) of N elements: ReLU forward and backward, SGD with
 * momentum, AdamW; and `maskRows`, the ReLU on rows that the linear kernels have just written.
 * Vectors of 4, then a scalar tail that runs the same operations per element, so an element gets
 * the same bits whichever path (or thread) computes it. Destinations may alias
 * their inputs element for element (y = x, dx = dy).
 *
 * Shape legend: N length. Pointers are byte addresses.
 */

// y[N] <- x[N]: x > 0 ? x : +0 (NaN -> 0, as the reference)
export function reluForward(n0: i32, n1: i32, y: usize, x: usize): void {
  const zero = f32x4.splat(0);
  let n = n0;
  for (; n + 16 <= n1; n += 16) { // four vectors an iteration: V8 pays a fixed cost per iteration
    const o = <usize>n << 2;
    const v0 = v128.load(x + o);
    const v1 = v128.load(x + o, 16);
    const v2 = v128.load(x + o, 32);
    const v3 = v128.load(x + o, 48);
    v128.store(y + o, v128.and(v0, f32x4.gt(v0, zero)));
    v128.store(y + o, v128.and(v1, f32x4.gt(v1, zero)), 16);
    v128.store(y + o, v128.and(v2, f32x4.gt(v2, zero)), 32);
    v128.store(y + o, v128.and(v3, f32x4.gt(v3, zero)), 48);
  }
  for (; n + 4 <= n1; n += 4) {
    const o = <usize>n << 2;
    const v = v128.load(x + o);
    v128.store(y + o, v128.and(v, f32x4.gt(v, zero)));
  }
  for (; n < n1; n++) {
    const v = load<f32>(x + (<usize>n << 2));
    store<f32>(y + (<usize>n << 2), v > 0 ? v : 0);
  }
}

// dx[N] <- dy[N], y[N]: y > 0 ? dy : +0
export function reluBackward(n0: i32, n1: i32, dx: usize, dy: usize, y: usize): void {
  const zero = f32x4.splat(0);
  let n = n0;
  for (; n + 16 <= n1; n += 16) {
    const o = <usize>n << 2;
    const m0 = f32x4.gt(v128.load(y + o), zero);
    const m1 = f32x4.gt(v128.load(y + o, 16), zero);
    const m2 = f32x4.gt(v128.load(y + o, 32), zero);
    const m3 = f32x4.gt(v128.load(y + o, 48), zero);
    v128.store(dx + o, v128.and(v128.load(dy + o), m0));
    v128.store(dx + o, v128.and(v128.load(dy + o, 16), m1), 16);
    v128.store(dx + o, v128.and(v128.load(dy + o, 32), m2), 32);
    v128.store(dx + o, v128.and(v128.load(dy + o, 48), m3), 48);
  }
  for (; n + 4 <= n1; n += 4) {
    const o = <usize>n << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; n < n1; n++) {
    const o = <usize>n << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

/**
 * Rows [u0, u1) of n floats at p (rows `rowBytes` apart) kept where the same element of m is > 0
 * and set to +0 elsewhere: reluBackward in place on each row (m = p: the ReLU itself, as
 * reluForward gives it; m a ReLU's output: its gradient). The fused ReLU epilogue of the block
 * kernels and the dense kernels, run on rows they have just written (in L1). Tried and dropped,
 * each timed against this in one process (2 threads, 2026-12-01): applying the mask to the sums in
 * registers before their store ran the 784 -> 1024 gather forward at 0.90x, the block forward at
 * 0.96x and the 1024 <- 10 dense input gradient at 0.90-0.92x (their registers are full already);
 * masking each gather row as it was finished ran at 0.95x of a second pass, so the gather kernels
 * (gather-rows.ts) leave the ReLU to reluForward / reluBackward. m = 0: nothing.
 */
export function maskRows(p: usize, m: usize, u0: i32, u1: i32, rowBytes: usize, n: i32): void {
  if (m == 0) return;
  for (let u = u0; u < u1; u++) {
    const row = p + <usize>u * rowBytes;
    reluBackward(0, n, row, row, m + <usize>u * rowBytes);
  }
}

// w[N], v[N] <- g[N]: v = momentum * v + (g + weightDecay * w); w -= lr * v
export function sgdMomentumStep(n0: i32, n1: i32, w: usize, g: usize, v: usize, lr: f32, momentum: f32,
  weightDecay: f32): void {
  const lr4 = f32x4.splat(lr);
  const mu4 = f32x4.splat(momentum);
  const wd4 = f32x4.splat(weightDecay);
  let n = n0;
  for (; n + 4 <= n1; n += 4) {
    const o = <usize>n << 2;
    const wn = v128.load(w + o);
    const vn = f32x4.add(f32x4.mul(mu4, v128.load(v + o)), f32x4.add(v128.load(g + o), f32x4.mul(wd4, wn)));
    v128.store(v + o, vn);
    v128.store(w + o, f32x4.sub(wn, f32x4.mul(lr4, vn)));
  }
  for (; n < n1; n++) {
    const o = <usize>n << 2;
    const wn = load<f32>(w + o);
    const vn = momentum * load<f32>(v + o) + (load<f32>(g + o) + weightDecay * wn);
    store<f32>(v + o, vn);
    store<f32>(w + o, wn - lr * vn);
  }
}

// w[N] in place: sign 1 sets values below zero to +0, sign -1 values above zero; the rest (zeros of
// either sign, NaN) stay, as in the reference's compare-and-store
export function clampSign(n0: i32, n1: i32, w: usize, sign: i32): void {
  const zero = f32x4.splat(0);
  let n = n0;
  for (; n + 4 <= n1; n += 4) {
    const o = <usize>n << 2;
    const v = v128.load(w + o);
    v128.store(w + o, v128.bitselect(zero, v, sign > 0 ? f32x4.lt(v, zero) : f32x4.gt(v, zero)));
  }
  for (; n < n1; n++) {
    const o = <usize>n << 2;
    const v = load<f32>(w + o);
    if (sign > 0 ? v < 0 : v > 0) store<f32>(w + o, 0);
  }
}

// w[N], m[N], v[N] <- g[N]; AdamW with bias corrections c1 = 1 / (1 - beta1^t), c2 = 1 / (1 - beta2^t):
// m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g g; w -= lr (m c1 / (sqrt(v c2) + eps) + wd w)
export function adamStep(n0: i32, n1: i32, w: usize, g: usize, m: usize, v: usize, lr: f32, beta1: f32, beta2: f32,
  eps: f32, weightDecay: f32, c1: f32, c2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32): void {
  const lr4 = f32x4.splat(lr);
  const b14 = f32x4.splat(beta1);
  const b24 = f32x4.splat(beta2);
  const eps4 = f32x4.splat(eps);
  const wd4 = f32x4.splat(weightDecay);
  const c14 = f32x4.splat(c1);
  const c24 = f32x4.splat(c2);
  const q14 = f32x4.splat(oneMinusBeta1);
  const q24 = f32x4.splat(oneMinusBeta2);
  let n = n0;
  for (; n + 4 <= n1; n += 4) {
    const o = <usize>n << 2;
    const gn = v128.load(g + o);
    const wn = v128.load(w + o);
    const mn = f32x4.add(f32x4.mul(b14, v128.load(m + o)), f32x4.mul(q14, gn));
    const vn = f32x4.add(f32x4.mul(b24, v128.load(v + o)), f32x4.mul(f32x4.mul(q24, gn), gn));
    v128.store(m + o, mn);
    v128.store(v + o, vn);
    const step = f32x4.add(
      f32x4.div(f32x4.mul(mn, c14), f32x4.add(f32x4.sqrt(f32x4.mul(vn, c24)), eps4)),
      f32x4.mul(wd4, wn));
    v128.store(w + o, f32x4.sub(wn, f32x4.mul(lr4, step)));
  }
  for (; n < n1; n++) {
    const o = <usize>n << 2;
    const gn = load<f32>(g + o);
    const wn = load<f32>(w + o);
    const mn = beta1 * load<f32>(m + o) + oneMinusBeta1 * gn;
    const vn = beta2 * load<f32>(v + o) + (oneMinusBeta2 * gn) * gn;
    store<f32>(m + o, mn);
    store<f32>(v + o, vn);
    const step = (mn * c1) / (sqrt<f32>(vn * c2) + eps) + weightDecay * wn;
    store<f32>(w + o, wn - lr * step);
  }
}
