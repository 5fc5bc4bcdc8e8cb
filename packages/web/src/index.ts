// @ct3d/web: the in-browser diagnosis page and training page. Node side: export a run as a static folder
// (`ct3d export-web`), serve it per run (`ct3d dashboard`), or serve an exported folder cross-origin isolated
// (`ct3d serve-web`). The page itself is prebuilt in dist/app (see src/page/).
export {
  APP_DIR,
  assertAppBuilt,
  DEFAULT_MAX_SCAN_BYTES,
  type ExportResult,
  exportTrainPage,
  exportWebApp,
  TRAIN_DIR,
  VIEWER_DIR,
  webManifest,
} from './export.js';
export { MANIFEST_FILE, MODEL_FOLDER, WASM_FOLDER, type WebManifest } from './manifest.js';
export {
  ISOLATION_HEADERS,
  PAGE_CSP,
  type ServeSiteOptions,
  type SiteServer,
  serveSite,
} from './serve-site.js';
