// @ct3d/core/node: Node-only helpers shared by the packages: atomic writes, worker thread start-up.
export { siblingModule, workerExecArgv, workerPreload } from './worker-files.js';
export { writeFileAtomic } from './write-atomic.js';
