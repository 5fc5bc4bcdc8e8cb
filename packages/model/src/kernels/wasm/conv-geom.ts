/** A 3D convolution's shape: batch, input dims and channels, filter dims, output channels (valid padding). */
export interface ConvGeom {
  n: number;
  d1: number;
  d2: number;
  d3: number;
  c: number;
  f1: number;
  f2: number;
  f3: number;
  outC: number;
}
