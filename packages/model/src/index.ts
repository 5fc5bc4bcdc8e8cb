// @ct3d/model: the seed 3D CNN in tfjs 4.22, its custom layers, backend selection and persistence (Node).
// Bundlers for the browser get index.browser.ts (the "browser" export condition): the same API, models loaded from URLs.
export * from './api.js';
export { MODEL_JSON, WEIGHTS_BIN } from './model-files.js';
export { loadModel, loadModelFrom, type ModelFileReader, saveModel } from './persist.js';
