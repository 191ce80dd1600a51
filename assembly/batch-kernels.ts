/**
 * Batching: samples of D bytes, staged sample-major in this memory (bytes[B][D]), to the
 * unit-major float layout x[D][B] of every other kernel, each byte mapped through its channel's
 * 256-entry f32 table (table[C][256]). Split by feature: a thread writes whole rows of x.
 *
 * Per feature d the loop walks the B staged samples (stride D bytes, B cache lines that the next
 * features reuse) and writes the contiguous row x[d]. A table lookup is exact: the host rounds
 * each table entry to f32 once, as a store of that value into a float32 batch would. (Four
 * features per 4-byte load, stored along four rows, measured no faster.)
 *
 * Shape legend: B batch, D features, S features per channel (D = C * S). Pointers are bytes.
 */

// x[D,B] <- bytes[B][D] (u8), table[C][256] (f32); features d in [d0, d1)
export function gatherBatch(d0: i32, d1: i32, x: usize, bytes: usize, table: usize, D: i32, S: i32, B: i32): void {
  const rowBytes = <usize>B << 2;
  const stride = <usize>D;
  for (let d = d0; d < d1; d++) {
    const t = table + (<usize>(d / S) << 10);
    const xr = x + <usize>d * rowBytes;
    let src = bytes + <usize>d;
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const o = xr + (<usize>b << 2);
      store<f32>(o, load<f32>(t + (<usize>load<u8>(src) << 2)));
      store<f32>(o, load<f32>(t + (<usize>load<u8>(src + stride) << 2)), 4);
      store<f32>(o, load<f32>(t + (<usize>load<u8>(src + 2 * stride) << 2)), 8);
      store<f32>(o, load<f32>(t + (<usize>load<u8>(src + 3 * stride) << 2)), 12);
      src += 4 * stride;
    }
    for (; b < B; b++) {
      store<f32>(xr + (<usize>b << 2), load<f32>(t + (<usize>load<u8>(src) << 2)));
      src += stride;
    }
  }
}
