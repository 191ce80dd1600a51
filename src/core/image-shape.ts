/**
 * The shape of one sample's activation: C×H×W, stored channel-major (x[C][H][W], batch innermost
 * in a batch: kernels/conv-shape.ts). A feature vector of n values is n×1×1. Data sets describe
 * their images with it and models their layers' inputs and outputs.
 */
export interface ImageShape {
  readonly channels: number;   // C
  readonly height: number;     // H (rows)
  readonly width: number;      // W (columns)
}
