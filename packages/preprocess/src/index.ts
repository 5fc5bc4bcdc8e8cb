export { modelToScan, type SeedSteps } from './model-to-scan.js';
export { type HUWindow, normalizeHU, normalizeValue, SEED_HU_WINDOW } from './normalize-hu.js';
export { type ProcessOptions, processedAffine, processScan } from './process-scan.js';
export { resizeTrilinear } from './resize-trilinear.js';
export { rotate90 } from './rotate90.js';
export { type Quantiles, quantiles, type WindowedHuStats, windowedHuStats } from './scan-stats.js';
