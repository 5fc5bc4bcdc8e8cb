// @ct3d/preprocess/internal: scipy.ndimage's interpolation pieces that @ct3d/augment shares with this
// package (one implementation, so both stay bit-identical with scipy). Not public API: not in the main
// entry nor the API reference, and it may change in any release.
export { splineFilterPlane } from './cubic-spline.js';
export { mirrorIndex } from './zoom-taps.js';
