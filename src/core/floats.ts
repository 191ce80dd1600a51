/**
 * Numeric storage. Models train in float32; gradient checks run the very same code in float64.
 * Every kernel and layer is written against `Floats` so that both precisions share one code path.
 */
export type Floats = Float32Array | Float64Array;
/** Float storage of a model: 'f32' trains, 'f64' checks gradients with the same code. */
export type Precision = 'f32' | 'f64';

/** A zeroed array of `n` elements in `precision`. */
export function allocFloats(precision: Precision, n: number): Floats {
  return precision === 'f32' ? new Float32Array(n) : new Float64Array(n);
}

/** The precision of an existing array. */
export function precisionOf(a: Floats): Precision {
  return a instanceof Float32Array ? 'f32' : 'f64';
}
