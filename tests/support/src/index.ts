// @ct3d/test-support: helpers shared by the packages' tests and benchmarks (a private workspace package).
export { type AdamStepAttrs, adamStepValues } from './adam-reference.js';
export { openPage, PAGE_WAIT_MS } from './browser-page.js';
export { closeMismatch, maxAbsDiff } from './compare.js';
export { type Fault, type FaultProxy, type ProxiedRequest, startFaultProxy } from './fault-proxy.js';
export { type GoldenFixtures, goldenFixtures } from './golden.js';
export {
  brightQuadrants,
  MARKER,
  markerQuadrant,
  markerScan,
  type Plane,
  type Quadrant,
  type QuadrantCounts,
} from './marker.js';
export { type NonFiniteScan, nonFiniteScans } from './non-finite-scans.js';
export {
  ORTHANC,
  ORTHANC_DICOMWEB_PLUGIN,
  type OrthancServer,
  orthancAvailable,
  type StartOrthancOptions,
  startOrthanc,
} from './orthanc.js';
export {
  PLANTED_IDENTITY,
  PLANTED_PATIENT_ID,
  PLANTED_PATIENT_NAME,
  type SeriesSpec,
  type WrittenInstance,
  writePacsSeries,
} from './pacs-series.js';
export { phantom, phantomBatches } from './phantom.js';
export { CHROMIUM, chromiumAvailable, type RequiredTool, toolAvailable } from './required-tools.js';
export { type StaticServer, serveFolder } from './static-server.js';
export { timeRuns } from './timing.js';
