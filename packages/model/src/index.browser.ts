// @ct3d/model in a browser: the API of index.ts, with models loaded from a URL (tfjs' HTTP loader).
export * from './api.js';
export { loadModelFromUrl as loadModel } from './load-url.js';
export { MODEL_JSON, WEIGHTS_BIN } from './model-files.js';
