/**
 * Batching: samples of D bytes anywhere in this memory (sample b's bytes at starts[b], Int32
 * addresses: the dataset copied in whole, or the samples staged by the host) to the unit-major
 * float layout x[D][B] of every other kernel, each byte mapped through its channel's 256-entry f32
 * table (table[C][256]). Split by feature: a thread writes whole rows of x.
 *
 * Per feature d the loop walks the B samples (B cache lines, which the next features reuse) and
 * writes the contiguous row x[d]. A table lookup is exact: the host rounds each table entry to f32
 * once, as a store of that value into a float32 batch would. (Four features per 4-byte load, stored
 * along four rows, measured no faster.)
 *
 * Shape legend: B batch, D features, S features per channel (D = C * S). Pointers are bytes.
 */

// x[D,B] <- the D bytes (u8) at starts[b] for each b < B, table[C][256] (f32); features d in [d0, d1)
export function gatherBatch(d0: i32, d1: i32, x: usize, starts: usize, table: usize, S: i32, B: i32): void {
  const rowBytes = <usize>B << 2;
  for (let d = d0; d < d1; d++) {
    const t = table + (<usize>(d / S) << 10);
    const xr = x + <usize>d * rowBytes;
    const at = <usize>d;
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const o = xr + (<usize>b << 2);
      const s = starts + (<usize>b << 2);
      store<f32>(o, load<f32>(t + (<usize>load<u8>(<usize>load<i32>(s) + at) << 2)));
      store<f32>(o, load<f32>(t + (<usize>load<u8>(<usize>load<i32>(s, 4) + at) << 2)), 4);
      store<f32>(o, load<f32>(t + (<usize>load<u8>(<usize>load<i32>(s, 8) + at) << 2)), 8);
      store<f32>(o, load<f32>(t + (<usize>load<u8>(<usize>load<i32>(s, 12) + at) << 2)), 12);
    }
    for (; b < B; b++) {
      store<f32>(xr + (<usize>b << 2), load<f32>(t + (<usize>load<u8>(<usize>load<i32>(starts + (<usize>b << 2)) + at) << 2)));
    }
  }
}
