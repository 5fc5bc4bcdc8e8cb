// Every command's flags: the help text, the defaults and the parsed values' types (OptionValues) come from these
// tables, so help cannot drift from what a command reads. Light on purpose: `ct3d --help` imports this file,
// never a command's module (which loads tfjs).
import type { OptionTable } from '../command.js';
import { DEMO } from './demo-settings.js';

// Names listed here, not imported: their packages are heavier than help should load (help.test.ts compares).
const backend = {
  arg: '<name>',
  description: 'tfjs backend: auto, tensorflow, webgpu, wasm or cpu',
  default: 'auto',
} as const;
const series = {
  arg: '<regex>',
  description: 'keep the DICOM series whose SeriesDescription matches (case-insensitive)',
} as const;
const transforms = {
  arg: '<recipe>',
  description: 'a recipe preset (seed, default) or a recipe .json file',
  default: 'seed',
} as const;
const volumeSize = {
  arg: '<WxHxD>',
  description: 'model input size in voxels (N = NxNxN)',
  default: '128x128x64',
};
const json = { description: 'also print the result as one JSON line' } as const;

export const downloadOptions = {
  out: { arg: '<dir>', description: 'folder for downloads/ and the extracted class folders' },
  set: {
    arg: '<name>',
    description: 'seed (CT-0, CT-23) or full (CT-0, CT-1, CT-2, CT-23)',
    default: 'seed',
  },
  files: { arg: '<list>', description: 'these zips instead of a set, e.g. CT-0,CT-1' },
  'base-url': {
    arg: '<url>',
    description: "where the zips are (default: the seed's; --list shows the URLs)",
  },
  retries: { arg: '<n>', description: 'retries of a failed or cut download', default: '5' },
  'download-only': { description: 'keep the zips, do not extract them' },
  list: { description: 'list the files, their class folders, sizes and URLs, and exit' },
  json,
} as const satisfies OptionTable;

export const synthOptions = {
  'per-class': { arg: '<n>', description: 'scans per class folder (CT-0, CT-23)', required: true },
  size: { arg: '<px>', description: 'in-plane size in pixels', default: '512' },
  slices: { arg: '<min:max>', description: 'slice count range', default: '30:45' },
  seed: { arg: '<n>', description: 'random seed', default: '0' },
  family: {
    arg: '<name>',
    description: 'scan family: standard or broad-dense',
    default: 'standard',
  },
  masks: { description: 'also write each lesion mask beside its scan (<name>_mask.nii.gz)' },
} as const satisfies OptionTable;

export const preprocessOptions = {
  size: volumeSize,
  series,
  transforms: { ...transforms, description: `${transforms.description} (its preprocess list)` },
} as const satisfies OptionTable;

export const convertOptions = { series } as const satisfies OptionTable;

export const ingestOptions = {
  out: { arg: '<cache-dir>', description: 'the cache folder (resumable)', required: true },
  size: volumeSize,
  workers: { arg: '<n>', description: 'worker threads (default: one per core)' },
  classes: {
    arg: '<map>',
    description: 'class folders: a preset (listed below) or folder=label pairs, e.g. CT-0=0,CT-23=1',
    default: 'seed',
  },
  labels: {
    arg: '<csv>',
    description: 'label scans by "path or Study/SeriesInstanceUID,class" rows instead',
  },
  'follow-links': { description: 'follow links that leave <data-dir> (skipped with a reason otherwise)' },
  transforms: { ...transforms, description: `${transforms.description} (its preprocess list)` },
  series,
  json,
  dicomweb: {
    arg: '<base-url>',
    description: 'fetch the studies of --labels (StudyInstanceUID,class rows) from a DICOMweb PACS',
    group: 'PACS:',
  },
  concurrency: { arg: '<n>', description: 'series fetched at once (with --dicomweb)', default: '2' },
} as const satisfies OptionTable;

export const explainOptions = {
  run: { arg: '<dir>', description: 'the run folder', required: true },
  out: { arg: '<heat.nii.gz>', description: 'where to write the heat map', required: true },
  method: { arg: '<name>', description: 'gradcam, gradcampp or occlusion', default: 'occlusion' },
  layer: { arg: '<name>', description: 'layer gradcam/gradcampp weights (default: the last Conv3D)' },
  class: {
    arg: '<n>',
    description: 'class to explain (default: abnormal for a binary run, else the predicted class)',
  },
  patch: { arg: '<voxels>', description: 'occlusion patch size (patches overlap by half)', default: '12' },
  series,
  backend,
} as const satisfies OptionTable;

export const summaryOptions = { size: volumeSize } as const satisfies OptionTable;

export const trainOptions = {
  cache: { arg: '<dir>', description: 'the ingest cache to train on', group: 'Data and run:' },
  run: { arg: '<dir>', description: 'the run folder to write' },
  resume: {
    arg: '<run>',
    description: 'continue a stopped run from its last finished epoch, with its flags',
  },
  overwrite: { description: 'replace the run already in --run' },
  workers: { arg: '<n>', description: 'data loading threads (default: one per core)' },
  epochs: { arg: '<n>', description: 'epochs to train', default: '100', group: 'Recipe:' },
  batch: { arg: '<n>', description: 'batch size', default: '2' },
  lr: { arg: '<rate>', description: 'initial Adam learning rate', default: '1e-4' },
  patience: {
    arg: '<n>',
    description: 'early stopping: epochs without a better validation score',
    default: '15',
  },
  filters: { arg: '<list>', description: "Conv3D filters per block (default: the seed's 64,64,128,256)" },
  seed: { arg: '<n>', description: 'random seed', default: '0' },
  'val-fraction': {
    arg: '<f>',
    description: 'fraction of each class held out for validation',
    default: '0.3',
  },
  'split-seed': {
    arg: '<n>',
    description: 'shuffle each class before the split (default: sorted, as the seed)',
  },
  'no-augment': { description: 'train without augmentation' },
  transforms: { ...transforms, description: `${transforms.description} (its augment list)` },
  'class-weight': {
    arg: '<w>',
    description: 'balanced, or one loss weight per class, e.g. 2.2,0.65 (default: none)',
  },
  sampling: {
    arg: '<how>',
    description: 'shuffle, or balanced: batches drawn class by class',
    default: 'shuffle',
  },
  backend,
  'bn-stats': {
    arg: '<how>',
    description: 'precise: recompute BatchNorm statistics after each epoch; keras: the moving averages',
    default: 'precise',
    group: 'BatchNorm:',
  },
  'bn-stats-batches': {
    arg: '<n>',
    description: 'training batches sampled by --bn-stats precise',
    default: '16',
  },
  'bn-momentum': { arg: '<m>', description: 'BatchNorm moving-average momentum', default: '0.99' },
  'precise-bn': { description: 'older spelling of --bn-stats precise' },
  folds: {
    arg: '<k>',
    description: 'k-fold cross-validation into <run>/fold-i/',
    group: 'Cross-validation:',
  },
  fold: { arg: '<i>', description: 'train only fold i (1-based) of --folds' },
  dashboard: { description: 'serve the live dashboard while training', group: 'Output:' },
  port: { arg: '<port>', description: 'dashboard port; 0 picks a free one', default: '0' },
  verbose: { description: 'also say why faster backends were not used' },
} as const satisfies OptionTable;

export const evaluateOptions = {
  run: { arg: '<dir>', description: 'the run folder', required: true },
  cache: { arg: '<dir>', description: 'the ingest cache to score', required: true },
  set: { arg: '<name>', description: "scans to score: all, val or train (the run's split)", default: 'all' },
  backend,
  json,
} as const satisfies OptionTable;

export const predictOptions = {
  run: { arg: '<dir>', description: 'the run folder', required: true },
  threshold: {
    arg: '<t>',
    description: "add a decision line at T in (0, 1) or youden (the run's Youden's J threshold)",
  },
  series,
  backend,
  json,
} as const satisfies OptionTable;

export const exportWebOptions = {
  run: { arg: '<dir>', description: 'the run folder (required without --train)' },
  out: { arg: '<dir>', description: 'the page folder to write', required: true },
  train: { description: 'write the training page instead: drop class folders of scans, train in the tab' },
  'max-scan-gib': { arg: '<gib>', description: 'largest scan the page accepts, in GiB', default: '1.5' },
} as const satisfies OptionTable;

export const serveWebOptions = {
  port: { arg: '<port>', description: 'port; 0 picks a free one', default: '0' },
  host: { arg: '<host>', description: 'interface to listen on', default: '127.0.0.1' },
} as const satisfies OptionTable;

export const dashboardOptions = {
  runs: { arg: '<dir>', description: 'the folder of run folders', required: true },
  cache: { arg: '<dir>', description: 'an ingest cache to browse and preview' },
  port: { arg: '<port>', description: 'port; 0 picks a free one', default: '0' },
  host: {
    arg: '<host>',
    description: 'interface to listen on (other than loopback needs a token)',
    default: '127.0.0.1',
  },
  'token-file': { arg: '<file>', description: 'read the access token from this file' },
  token: { arg: '<token>', description: 'the access token (visible to other users: prefer --token-file)' },
  transforms: { ...transforms, description: `${transforms.description} (its augmentation preview)` },
  backend: { ...backend, description: `${backend.description} (for the heat maps of --cache scans)` },
} as const satisfies OptionTable;

export const demoOptions = {
  out: { arg: '<dir>', description: 'folder for data/, cache/, run/ and web/', default: 'demo-out' },
  'per-class': { arg: '<n>', description: 'synthetic scans per class', default: String(DEMO.perClass) },
  epochs: { arg: '<n>', description: 'epochs to train', default: String(DEMO.epochs) },
  size: { ...volumeSize, default: DEMO.size },
  backend,
  seed: { arg: '<n>', description: 'random seed', default: '0' },
  lr: { arg: '<rate>', description: 'Adam learning rate', default: String(DEMO.lr) },
  batch: { arg: '<n>', description: 'batch size', default: String(DEMO.batch) },
  verbose: { description: 'also say why faster backends were not used' },
} as const satisfies OptionTable;
