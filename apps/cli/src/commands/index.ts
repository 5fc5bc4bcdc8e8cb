// The command table: names, help texts and a loader per command. A command's module (and the packages it
// needs: tfjs for train, the downloader for download, ...) is imported only when that command runs.
import { CLASS_PRESETS } from '@ct3d/io/dataset';
import type { Command } from '../command.js';
import { DEMO } from './demo-settings.js';

export const commands: Command[] = [
  {
    name: 'download',
    summary: 'Download MosMedData zips (resumable, size-checked) and extract them into class folders',
    usage:
      'ct3d download --out <dir> [--set seed|full] [--files CT-0,CT-1] [--base-url URL] [--retries N] ' +
      '[--download-only] [--list] [--json]',
    load: () => import('./download.js'),
  },

  {
    name: 'synth',
    summary: 'Write MosMedData-like synthetic chest CTs (CT-0 normal, CT-23 with ground-glass opacities)',
    usage:
      'ct3d synth <dir> --per-class N [--size 512] [--slices 30:45] [--seed S] [--family standard|broad-dense]',
    load: () => import('./synth.js'),
  },

  {
    name: 'preprocess',
    summary: "Apply the seed's process_scan (HU window, rotate 90, trilinear resize) to one scan",
    usage:
      'ct3d preprocess <in.nii[.gz]|series-folder|file.dcm> <out.nii.gz> [--size 128x128x64] [--series REGEX] ' +
      '[--transforms seed|recipe.json]',
    load: () => import('./preprocess.js'),
  },

  {
    name: 'convert',
    summary: 'Write a DICOM CT series as NIfTI, voxels and affine as dcm2niix writes them (no patient data)',
    usage: 'ct3d convert <series-folder|file.dcm> <out.nii[.gz]> [--series REGEX]',
    load: () => import('./convert.js'),
  },

  {
    name: 'ingest',
    summary: 'Preprocess a folder of class subfolders of scans into a resumable cache (worker pool)',
    usage:
      'ct3d ingest <data-dir> --out <cache-dir> [--size 128x128x64] [--workers N] ' +
      '[--classes seed|binary|severity|CT-0=0,CT-23=1 | --labels labels.csv] [--series REGEX] [--follow-links] [--transforms seed|recipe.json] [--json]\n' +
      '  class folders hold .nii/.nii.gz files or DICOM series folders (one series = one scan)\n' +
      '  --labels: CSV rows "path-or-StudyInstanceUID-or-SeriesInstanceUID,class" label the scans under <data-dir>\n' +
      '  --follow-links: follow links that leave <data-dir> (skipped with a reason otherwise)\n' +
      '  ct3d ingest --dicomweb <base-url> --labels labels.csv --out <cache-dir> [--size] [--series REGEX] [--concurrency N]\n' +
      '    fetches the labelled studies (StudyInstanceUID,class rows) from a PACS over DICOMweb; resumable;\n' +
      '    credentials from CT3D_DICOMWEB_USER/CT3D_DICOMWEB_PASSWORD or CT3D_DICOMWEB_TOKEN\n' +
      Object.entries(CLASS_PRESETS)
        .map(([name, p]) => `  --classes ${name}: ${p.description}`)
        .join('\n'),
    load: () => import('./ingest.js'),
  },

  {
    name: 'explain',
    summary:
      "Write a run's heat map of a scan in the scan's own space (same shape and affine): Grad-CAM, Grad-CAM++ or occlusion",
    usage:
      'ct3d explain <scan.nii[.gz]|series-folder> --run <dir> --out <heat.nii.gz> [--method gradcam|gradcampp|occlusion] ' +
      '[--layer NAME] [--class N] [--patch 12] [--series REGEX] [--backend B]',
    load: () => import('./explain.js'),
  },

  {
    name: 'summary',
    summary: "Print the seed model's layer table (output shapes and parameter counts)",
    usage: 'ct3d summary [--size 128x128x64]',
    load: () => import('./summary.js'),
  },

  {
    name: 'train',
    summary: "Train the seed model on an ingest cache with the seed's recipe; writes a run folder",
    usage:
      'ct3d train --cache <dir> --run <dir> [--overwrite] [--epochs 100] [--batch 2] [--backend auto|tensorflow|webgpu|wasm|cpu] ' +
      '[--seed 0] [--lr 1e-4] [--bn-stats precise|keras] [--bn-stats-batches 16] [--bn-momentum 0.99] [--folds K [--fold i]] [--workers N] [--val-fraction 0.3] [--split-seed S] [--patience 15] [--filters 64,64,128,256] [--no-augment] [--transforms seed|default|recipe.json] ' +
      '[--class-weight balanced|W0,W1,...] [--sampling balanced] [--dashboard [--port P]] [--verbose]\n' +
      '       ct3d train --resume <run> [--cache <dir>] [--workers N] [--dashboard [--port P]]',
    load: () => import('./train.js'),
  },

  {
    name: 'evaluate',
    summary:
      "Score a run's best model on a cache: loss, accuracy, AUC, sensitivity, specificity, confusion " +
      '(multi-class: per-class precision/recall/F1/AUC, macro averages, k x k confusion)',
    usage: 'ct3d evaluate --run <dir> --cache <dir> [--set all|val|train] [--backend auto] [--json]',
    load: () => import('./evaluate.js'),
  },

  {
    name: 'predict',
    summary:
      "Preprocess one scan like ingest and print the seed's confidence sentences (two, or one per class of a multi-class run)",
    usage:
      'ct3d predict <scan.nii[.gz]|series-folder> --run <dir> [--series REGEX] [--threshold 0.5|T|youden] [--backend auto] [--json]',
    load: () => import('./predict.js'),
  },
  {
    name: 'export-web',
    summary:
      "Write a run's in-browser diagnosis page (static folder: drop a scan, get the seed's sentences and a heat map)",
    usage: 'ct3d export-web --run <dir> --out <dir> [--max-scan-gib 1.5]',
    load: () => import('./export-web.js'),
  },
  {
    name: 'dashboard',
    summary:
      'Serve the dashboard for the runs in a folder (replays; live runs come from `ct3d train --dashboard`)',
    usage:
      'ct3d dashboard --runs <dir> [--cache <dir>] [--port 0] [--host 127.0.0.1] [--token-file F | --token T] [--transforms seed|default|recipe.json]\n' +
      '       (the token may also come from CT3D_DASHBOARD_TOKEN; --token is visible to other users)',
    load: () => import('./dashboard.js'),
  },

  {
    name: 'demo',
    summary: 'Synthetic CTs -> ingest -> train the seed model at 64x64x48 -> evaluate, all on this machine',
    usage: `ct3d demo [--out demo-out] [--per-class ${DEMO.perClass}] [--epochs ${DEMO.epochs}] [--size ${DEMO.size}] [--backend auto] [--seed 0] [--lr ${DEMO.lr}] [--batch ${DEMO.batch}] [--verbose]`,
    load: () => import('./demo.js'),
  },
];
