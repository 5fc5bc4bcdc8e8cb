// @ct3d/core/node: Node-only helpers shared by the packages: atomic writes, the one folder walk, worker start-up.
export {
  isInsideFolder,
  realPathOf,
  type WalkOptions,
  type WalkResult,
  walkFiles,
} from './folder-walk.js';
export { siblingModule, workerExecArgv, workerPreload } from './worker-files.js';
export { writeFileAtomic } from './write-atomic.js';
