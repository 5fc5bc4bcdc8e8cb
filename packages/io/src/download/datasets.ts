/** Where the seed (the Keras example) downloads MosMedData from. */
export const MOSMEDDATA_BASE_URL =
  'https://github.com/hasibzunair/3D-image-classification-tutorial/releases/download/v0.2/';

/** One downloadable zip of MosMedData and the class folder it extracts into. */
export interface DatasetFile {
  /** File name on the server, e.g. "CT-0.zip". */
  name: string;
  /** Class folder its scans land in under the output folder (the zips hold "CT-0/study_0001.nii.gz"). */
  folder: string;
  /** What the class is, for listings. */
  description: string;
  /** Size in bytes, only where a source states it; otherwise the server's Content-Length is the check. */
  size?: number;
  /** SHA-256 (hex), only where a source states it. */
  sha256?: string;
  /** Where size/sha256 come from. */
  source?: string;
}

/**
 * The four zips of the v0.2 release. Only CT-0's size is known (the seed's download log prints
 * "1045162547/1045162547"); no source gives a SHA-256, so none is listed.
 */
export const MOSMEDDATA_FILES: readonly DatasetFile[] = [
  {
    name: 'CT-0.zip',
    folder: 'CT-0',
    description: 'normal lung tissue (the seed: 100 scans)',
    size: 1_045_162_547,
    source: 'the Keras example download log',
  },
  {
    name: 'CT-1.zip',
    folder: 'CT-1',
    description: 'MosMedData category CT-1: mild, under 25% of the lung involved',
  },
  { name: 'CT-2.zip', folder: 'CT-2', description: 'MosMedData category CT-2: moderate, 25-50% involved' },
  {
    name: 'CT-23.zip',
    folder: 'CT-23',
    description: 'categories CT-2 and CT-3, ground-glass opacities (the seed: 100 scans)',
  },
];

/** Named sets: the seed's two classes, or every zip of the release. */
export const DATASET_SETS: Readonly<Record<string, readonly string[]>> = {
  seed: ['CT-0', 'CT-23'],
  full: ['CT-0', 'CT-1', 'CT-2', 'CT-23'],
};

/** Picks files by set name or by a list like "CT-0,CT-1" (".zip" optional); unknown names throw. */
export function selectDatasetFiles(opts: { set?: string; files?: string }): DatasetFile[] {
  const known = MOSMEDDATA_FILES.map((f) => f.folder).join(', ');
  let names: readonly string[];
  if (opts.files !== undefined) {
    names = opts.files
      .split(',')
      .map((s) => s.trim().replace(/\.zip$/i, ''))
      .filter((s) => s.length > 0);
    if (names.length === 0) throw new Error(`no files named in "${opts.files}" (known: ${known})`);
  } else {
    const set = opts.set ?? 'seed';
    const picked = DATASET_SETS[set];
    if (!picked)
      throw new Error(`unknown set "${set}" (known sets: ${Object.keys(DATASET_SETS).join(', ')})`);
    names = picked;
  }
  return [...new Set(names)].map((name) => {
    const file = MOSMEDDATA_FILES.find((f) => f.folder === name);
    if (!file) throw new Error(`unknown file "${name}" (known: ${known})`);
    return file;
  });
}

/** The file's URL under a base (a trailing slash is added so the base's last segment is kept). */
export function datasetFileUrl(baseUrl: string, file: DatasetFile): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(file.name, base).toString();
}
