export { type PickRng, ROTATION_ANGLES, randomRotation } from './random-rotation.js';
export { type RotateOptions, rotateInPlane } from './rotate-in-plane.js';
export * from './transforms/index.js';
