// @ct3d/core/node: Node-only helpers shared by the packages that start worker threads.
export { siblingModule, workerExecArgv, workerPreload } from './worker-files.js';
