// The command table: names, help texts, flags and a loader per command. A command's module (and the packages it
// needs: tfjs for train, the downloader for download, ...) is imported only when that command runs.
import { CLASS_PRESETS } from '@ct3d/io/dataset';
import type { CommandSpec } from '../command.js';
import {
  convertOptions,
  dashboardOptions,
  demoOptions,
  downloadOptions,
  evaluateOptions,
  explainOptions,
  exportWebOptions,
  ingestOptions,
  predictOptions,
  preprocessOptions,
  serveWebOptions,
  summaryOptions,
  synthOptions,
  trainOptions,
} from './options.js';

const scan = 'a .nii/.nii.gz file or a DICOM series folder';

export const commands: CommandSpec[] = [
  {
    name: 'download',
    group: 'Data:',
    summary: 'Download MosMedData zips (resumable, size-checked) and extract them into class folders',
    options: downloadOptions,
    load: () => import('./download.js'),
  },
  {
    name: 'synth',
    group: 'Data:',
    summary: 'Write MosMedData-like synthetic chest CTs (CT-0 normal, CT-23 with ground-glass opacities)',
    arguments: { '<dir>': 'the folder to write CT-0/ and CT-23/ into' },
    options: synthOptions,
    load: () => import('./synth.js'),
  },
  {
    name: 'preprocess',
    group: 'Data:',
    summary: "Apply the seed's process_scan (HU window, rotate 90, trilinear resize) to one scan",
    arguments: { '<scan>': `${scan}, or a .dcm file`, '<out>': 'the .nii.gz to write' },
    options: preprocessOptions,
    load: () => import('./preprocess.js'),
  },
  {
    name: 'convert',
    group: 'Data:',
    summary: 'Write a DICOM CT series as NIfTI, voxels and affine as dcm2niix writes them (no patient data)',
    arguments: {
      '<series>': 'a DICOM series folder or a .dcm file',
      '<out>': 'the .nii or .nii.gz to write',
    },
    options: convertOptions,
    load: () => import('./convert.js'),
  },
  {
    name: 'ingest',
    group: 'Data:',
    summary: 'Preprocess a folder of class subfolders of scans into a resumable cache (worker pool)',
    arguments: {
      '[data-dir]': 'class folders of .nii/.nii.gz files or DICOM series folders (one series = one scan)',
    },
    options: ingestOptions,
    help: [
      'Class presets (--classes):',
      ...Object.entries(CLASS_PRESETS).map(([name, p]) => `  ${name}: ${p.description}`),
      '',
      'From a PACS: ct3d ingest --dicomweb <base-url> --labels labels.csv --out <cache-dir>',
      '  fetches the labelled studies over DICOMweb, resumable; credentials from CT3D_DICOMWEB_USER and',
      '  CT3D_DICOMWEB_PASSWORD, or CT3D_DICOMWEB_TOKEN',
    ].join('\n'),
    load: () => import('./ingest.js'),
  },
  {
    name: 'summary',
    group: 'Model:',
    summary: "Print the seed model's layer table (output shapes and parameter counts)",
    options: summaryOptions,
    load: () => import('./summary.js'),
  },
  {
    name: 'train',
    group: 'Model:',
    summary: "Train the seed model on an ingest cache with the seed's recipe; writes a run folder",
    options: trainOptions,
    help:
      'ct3d train --cache <dir> --run <dir> [options] starts a run; ct3d train --resume <run> [--cache <dir>]\n' +
      '[--workers N] [--dashboard] continues one (other flags must equal the recorded ones).',
    load: () => import('./train.js'),
  },
  {
    name: 'evaluate',
    group: 'Model:',
    summary:
      "Score a run's best model on a cache: loss, accuracy, AUC, sensitivity, specificity, confusion " +
      '(multi-class: per-class precision/recall/F1/AUC, macro averages, k x k confusion)',
    options: evaluateOptions,
    load: () => import('./evaluate.js'),
  },
  {
    name: 'predict',
    group: 'Model:',
    summary:
      "Preprocess one scan like ingest and print the seed's confidence sentences (two, or one per class of a multi-class run)",
    arguments: { '<scan>': scan },
    options: predictOptions,
    load: () => import('./predict.js'),
  },
  {
    name: 'explain',
    group: 'Model:',
    summary:
      "Write a run's heat map of a scan in the scan's own space (same shape and affine): Grad-CAM, Grad-CAM++ or occlusion",
    arguments: { '<scan>': scan },
    options: explainOptions,
    load: () => import('./explain.js'),
  },
  {
    name: 'export-web',
    group: 'Share:',
    summary:
      "Write a run's in-browser diagnosis page (static folder: drop a scan, get the seed's sentences and a heat map), or with --train the training page",
    options: exportWebOptions,
    load: () => import('./export-web.js'),
  },
  {
    name: 'serve-web',
    group: 'Share:',
    summary:
      'Serve a folder export-web wrote on this machine, cross-origin isolated (COOP/COEP): the training page trains on 2 threads',
    arguments: { '<dir>': 'the folder export-web wrote' },
    options: serveWebOptions,
    load: () => import('./serve-web.js'),
  },
  {
    name: 'dashboard',
    group: 'Share:',
    summary:
      'Serve the dashboard for the runs in a folder (replays; live runs come from `ct3d train --dashboard`)',
    options: dashboardOptions,
    help: 'The token may also come from CT3D_DASHBOARD_TOKEN.',
    load: () => import('./dashboard.js'),
  },
  {
    name: 'demo',
    group: 'Try it:',
    summary: 'Synthetic CTs -> ingest -> train the seed model at 64x64x48 -> evaluate, all on this machine',
    options: demoOptions,
    load: () => import('./demo.js'),
  },
];
