/**
 * Pooling and residual kernels over channels [c0, c1) (elements [n0, n1) for `add`). Layout
 * x[C][H][W][B]: a window tap meets a contiguous run of B samples, so every kernel is a loop over
 * batch vectors with the window inside; a batch that is not a multiple of 4 ends with the vector at
 * B - 4. Forward kernels recompute its overlapped lanes identically; the backward kernels add into
 * dx, so there the overlapped lanes add 0 (max pool: they count as already routed; average pool:
 * masked). B < 4 runs one sample at a time with the same operations.
 *
 * Backward kernels zero their channels of dx first, then add each output's share in output order
 * (row-major), so overlapping windows add up in a fixed order and a channel is written by one
 * thread only.
 *
 * Shape legend: C channels, B batch, H×W input, Ho×Wo output, k window, s stride, N positions.
 * Pointers are byte addresses.
 */
import { tailMask } from './simd';

/** Zeroes n floats at p. */
function zero(p: usize, n: usize): void {
  memory.fill(p, 0, n << 2);
}

// y[C,Ho,Wo,B] <- x[C,H,W,B]; channels [c0, c1)
export function maxPoolForward(c0: i32, c1: i32, y: usize, x: usize, H: i32, W: i32, Ho: i32, Wo: i32, k: i32, s: i32,
  B: i32): void {
  const pos = <usize>B << 2;
  const row = <usize>W * pos;
  for (let c = c0; c < c1; c++) {
    const xc = x + <usize>c * <usize>H * row;
    let yp = y + <usize>c * <usize>(Ho * Wo) * pos;
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        const xw = xc + <usize>(oh * s) * row + <usize>(ow * s) * pos;
        if (B < 4) {
          for (let b = 0; b < B; b++) {
            const xb = xw + (<usize>b << 2);
            let m = load<f32>(xb);
            for (let i = 0; i < k; i++) {
              for (let j = 0; j < k; j++) m = max(m, load<f32>(xb + <usize>i * row + <usize>j * pos));
            }
            store<f32>(yp + (<usize>b << 2), m);
          }
        } else {
          for (let b = 0; b < B; b += 4) {
            const bo = <usize>min(b, B - 4) << 2;
            const xb = xw + bo;
            let m = v128.load(xb);
            for (let i = 0; i < k; i++) {
              for (let j = 0; j < k; j++) m = f32x4.max(m, v128.load(xb + <usize>i * row + <usize>j * pos));
            }
            v128.store(yp + bo, m);
          }
        }
        yp += pos;
      }
    }
  }
}

// dx[C,H,W,B] <- dy[C,Ho,Wo,B], x[C,H,W,B], y[C,Ho,Wo,B]; channels [c0, c1)
export function maxPoolBackward(c0: i32, c1: i32, dx: usize, dy: usize, x: usize, y: usize, H: i32, W: i32, Ho: i32,
  Wo: i32, k: i32, s: i32, B: i32): void {
  const pos = <usize>B << 2;
  const row = <usize>W * pos;
  const plane = <usize>H * row;
  const outPlane = <usize>(Ho * Wo) * pos;
  for (let c = c0; c < c1; c++) {
    const xc = x + <usize>c * plane;
    const dxc = dx + <usize>c * plane;
    zero(dxc, <usize>(H * W * B));
    let o = <usize>c * outPlane; // byte offset of the output position in y and dy
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        const at = <usize>(oh * s) * row + <usize>(ow * s) * pos; // window corner in x and dx
        if (B < 4) {
          for (let b = 0; b < B; b++) {
            const bo = <usize>b << 2;
            const m = load<f32>(y + o + bo);
            const g = load<f32>(dy + o + bo);
            // the first tap (row-major) equal to the output takes the gradient
            for (let t = 0; t < k * k; t++) {
              const q = at + <usize>(t / k) * row + <usize>(t % k) * pos + bo;
              if (load<f32>(xc + q) == m) {
                store<f32>(dxc + q, load<f32>(dxc + q) + g);
                break;
              }
            }
          }
        } else {
          for (let b = 0; b < B; b += 4) {
            const bo = <usize>min(b, B - 4) << 2;
            const m = v128.load(y + o + bo);
            const g = v128.load(dy + o + bo);
            // lanes already routed: none, or the overlapped lanes of the last vector
            let done = b + 4 <= B ? i32x4.splat(0) : v128.not(tailMask(B - b));
            for (let i = 0; i < k; i++) {
              for (let j = 0; j < k; j++) {
                const q = at + <usize>i * row + <usize>j * pos + bo;
                const hit = v128.andnot(f32x4.eq(v128.load(xc + q), m), done);
                v128.store(dxc + q, f32x4.add(v128.load(dxc + q), v128.and(g, hit)));
                done = v128.or(done, hit);
              }
            }
          }
        }
        o += pos;
      }
    }
  }
}

// y[C,Ho,Wo,B] <- x[C,H,W,B]: the sum of the window (row-major), divided by k²; channels [c0, c1)
export function avgPoolForward(c0: i32, c1: i32, y: usize, x: usize, H: i32, W: i32, Ho: i32, Wo: i32, k: i32, s: i32,
  B: i32): void {
  const pos = <usize>B << 2;
  const row = <usize>W * pos;
  const n = <f32>(k * k);
  const n4 = f32x4.splat(n);
  for (let c = c0; c < c1; c++) {
    const xc = x + <usize>c * <usize>H * row;
    let yp = y + <usize>c * <usize>(Ho * Wo) * pos;
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        const xw = xc + <usize>(oh * s) * row + <usize>(ow * s) * pos;
        if (B < 4) {
          for (let b = 0; b < B; b++) {
            const xb = xw + (<usize>b << 2);
            let a: f32 = 0;
            for (let i = 0; i < k; i++) {
              for (let j = 0; j < k; j++) a += load<f32>(xb + <usize>i * row + <usize>j * pos);
            }
            store<f32>(yp + (<usize>b << 2), a / n);
          }
        } else {
          for (let b = 0; b < B; b += 4) {
            const bo = <usize>min(b, B - 4) << 2;
            const xb = xw + bo;
            let a = f32x4.splat(0);
            for (let i = 0; i < k; i++) {
              for (let j = 0; j < k; j++) a = f32x4.add(a, v128.load(xb + <usize>i * row + <usize>j * pos));
            }
            v128.store(yp + bo, f32x4.div(a, n4));
          }
        }
        yp += pos;
      }
    }
  }
}

// dx[C,H,W,B] <- dy[C,Ho,Wo,B]: dy / k² added to every tap of its window; channels [c0, c1)
export function avgPoolBackward(c0: i32, c1: i32, dx: usize, dy: usize, H: i32, W: i32, Ho: i32, Wo: i32, k: i32,
  s: i32, B: i32): void {
  const pos = <usize>B << 2;
  const row = <usize>W * pos;
  const plane = <usize>H * row;
  const n = <f32>(k * k);
  const n4 = f32x4.splat(n);
  for (let c = c0; c < c1; c++) {
    const dxc = dx + <usize>c * plane;
    zero(dxc, <usize>(H * W * B));
    let g0 = dy + <usize>c * <usize>(Ho * Wo) * pos;
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        const dw = dxc + <usize>(oh * s) * row + <usize>(ow * s) * pos;
        if (B < 4) {
          for (let b = 0; b < B; b++) {
            const bo = <usize>b << 2;
            const g = load<f32>(g0 + bo) / n;
            for (let i = 0; i < k; i++) {
              for (let j = 0; j < k; j++) {
                const q = dw + <usize>i * row + <usize>j * pos + bo;
                store<f32>(q, load<f32>(q) + g);
              }
            }
          }
        } else {
          for (let b = 0; b < B; b += 4) {
            const bo = <usize>min(b, B - 4) << 2;
            let g = f32x4.div(v128.load(g0 + bo), n4);
            if (b + 4 > B) g = v128.and(g, tailMask(B - b));
            for (let i = 0; i < k; i++) {
              for (let j = 0; j < k; j++) {
                const q = dw + <usize>i * row + <usize>j * pos + bo;
                v128.store(q, f32x4.add(v128.load(q), g));
              }
            }
          }
        }
        g0 += pos;
      }
    }
  }
}

// y[C,B] <- x[C,N,B]: the sum over positions (in order) divided by N; channels [c0, c1)
export function globalAvgPoolForward(c0: i32, c1: i32, y: usize, x: usize, N: i32, B: i32): void {
  const pos = <usize>B << 2;
  const n = <f32>N;
  const n4 = f32x4.splat(n);
  for (let c = c0; c < c1; c++) {
    const xc = x + <usize>c * <usize>N * pos;
    const yc = y + <usize>c * pos;
    if (B < 4) {
      for (let b = 0; b < B; b++) {
        let a: f32 = 0;
        for (let t = 0; t < N; t++) a += load<f32>(xc + <usize>t * pos + (<usize>b << 2));
        store<f32>(yc + (<usize>b << 2), a / n);
      }
      continue;
    }
    for (let b = 0; b < B; b += 4) {
      const bo = <usize>min(b, B - 4) << 2;
      let a = f32x4.splat(0);
      for (let t = 0; t < N; t++) a = f32x4.add(a, v128.load(xc + <usize>t * pos + bo));
      v128.store(yc + bo, f32x4.div(a, n4));
    }
  }
}

// dx[C,N,B] <- dy[C,B]: dy / N at every position; channels [c0, c1)
export function globalAvgPoolBackward(c0: i32, c1: i32, dx: usize, dy: usize, N: i32, B: i32): void {
  const pos = <usize>B << 2;
  const n = <f32>N;
  const n4 = f32x4.splat(n);
  for (let c = c0; c < c1; c++) {
    const dxc = dx + <usize>c * <usize>N * pos;
    const dyc = dy + <usize>c * pos;
    if (B < 4) {
      for (let b = 0; b < B; b++) {
        const g = load<f32>(dyc + (<usize>b << 2)) / n;
        for (let t = 0; t < N; t++) store<f32>(dxc + <usize>t * pos + (<usize>b << 2), g);
      }
      continue;
    }
    for (let b = 0; b < B; b += 4) {
      const bo = <usize>min(b, B - 4) << 2;
      const g = f32x4.div(v128.load(dyc + bo), n4);
      for (let t = 0; t < N; t++) v128.store(dxc + <usize>t * pos + bo, g);
    }
  }
}

// y[N] <- a[N] + b[N] (y may alias a or b); elements [n0, n1)
export function add(n0: i32, n1: i32, y: usize, a: usize, b: usize): void {
  let i = n0;
  for (; i + 4 <= n1; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n1; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(a + o) + load<f32>(b + o));
  }
}
