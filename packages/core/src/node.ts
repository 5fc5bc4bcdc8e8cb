// @ct3d/core/node: Node-only helpers shared by the packages: atomic writes, the one folder walk, worker start-up,
// the one guarded way a server opens a file.
export {
  isInsideFolder,
  realPathOf,
  type WalkOptions,
  type WalkResult,
  walkFiles,
} from './folder-walk.js';
export {
  CONTENT_TYPES,
  decodeSegments,
  type GuardedFile,
  openGuarded,
  PathRefused,
  pipeGuarded,
  readGuarded,
  readGuardedTextIfPresent,
  type ServedRoot,
  servedRoot,
} from './served-files.js';
export { siblingModule, workerExecArgv, workerPreload } from './worker-files.js';
export { writeFileAtomic } from './write-atomic.js';
