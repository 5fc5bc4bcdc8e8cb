import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverScans } from '../discover.js';
import {
  type DatasetFile,
  datasetFileUrl,
  MOSMEDDATA_BASE_URL,
  MOSMEDDATA_FILES,
  selectDatasetFiles,
} from './datasets.js';
import { type FetchEvent, fetchDataset } from './fetch-dataset.js';
import { buildZip, startTestServer, type TestServer, tinyScanBytes } from './test-support.js';

const files: DatasetFile[] = [
  { name: 'CT-0.zip', folder: 'CT-0', description: 'normal' },
  { name: 'CT-23.zip', folder: 'CT-23', description: 'abnormal' },
];
let server: TestServer;
let dir = '';

beforeAll(async () => {
  const ct0 = buildZip([1, 2, 3].map((i) => ({ name: `CT-0/study_000${i}.nii.gz`, data: tinyScanBytes(i) })));
  const ct23 = buildZip([
    { name: 'CT-23/study_0004.nii.gz', data: tinyScanBytes(4, true), deflate: true },
    { name: 'CT-23/../../escape.nii.gz', data: new Uint8Array(4) },
  ]);
  server = await startTestServer({ 'CT-0.zip': ct0, 'CT-23.zip': ct23 });
  dir = await mkdtemp(join(tmpdir(), 'ct3d-fetch-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fetchDataset', () => {
  it('downloads (resuming a cut), extracts into class folders, lists bad entries, and re-runs cheaply', async () => {
    const out = join(dir, 'MosMedData');
    server.behavior = { cutAfter: 5000, cutTimes: 1 };
    const events: FetchEvent[] = [];
    const first = await fetchDataset({
      outDir: out,
      files,
      baseUrl: server.baseUrl,
      retryDelayMs: 1,
      onEvent: (e) => events.push(e),
    });
    expect(first.ok).toBe(false); // the escaping entry
    expect(first.files.map((f) => f.error)).toEqual([undefined, undefined]);
    expect(first.files[1].extract?.failed).toEqual([
      { entry: 'CT-23/../../escape.nii.gz', reason: '".." in the path (refused)' },
    ]);
    expect(server.requests.some((r) => r.range?.startsWith('bytes='))).toBe(true);
    expect(events.some((e) => e.type === 'notice' && e.message.includes('connection lost'))).toBe(true);
    const found = await discoverScans(out);
    expect(found.scans.map((s) => `${s.className}/${s.path.split('/').at(-1)}:${s.label}`)).toEqual([
      'CT-0/study_0001.nii.gz:0',
      'CT-0/study_0002.nii.gz:0',
      'CT-0/study_0003.nii.gz:0',
      'CT-23/study_0004.nii.gz:1',
    ]);
    expect((await readdir(join(out, 'downloads'))).sort()).toEqual([
      'CT-0.zip',
      'CT-0.zip.sha256',
      'CT-23.zip',
      'CT-23.zip.sha256',
    ]);
    expect((await readdir(dir)).sort()).toEqual(['MosMedData']); // nothing escaped

    server.requests.length = 0;
    const again = await fetchDataset({ outDir: out, files, baseUrl: server.baseUrl });
    expect(server.requests).toEqual([]);
    expect(
      again.files.map((f) => [
        f.download?.alreadyPresent,
        f.extract?.extracted.length,
        f.extract?.present.length,
      ]),
    ).toEqual([
      [true, 0, 3],
      [true, 0, 1],
    ]);
  });

  it('records a failed download and still fetches the next file', async () => {
    const out = join(dir, 'partial');
    const result = await fetchDataset({
      outDir: out,
      files: [{ name: 'CT-1.zip', folder: 'CT-1', description: 'missing' }, files[0]],
      baseUrl: server.baseUrl,
      retryDelayMs: 1,
    });
    expect(result.ok).toBe(false);
    expect(result.files[0].error).toMatch(/^CT-1\.zip: HTTP 404 from /);
    expect(result.files[1].extract?.extracted).toHaveLength(3);
  });
});

describe('dataset list', () => {
  it('has the seed and full sets, with only the sizes a source gives', () => {
    expect(selectDatasetFiles({}).map((f) => f.name)).toEqual(['CT-0.zip', 'CT-23.zip']);
    expect(selectDatasetFiles({ set: 'full' }).map((f) => f.name)).toEqual([
      'CT-0.zip',
      'CT-1.zip',
      'CT-2.zip',
      'CT-23.zip',
    ]);
    expect(selectDatasetFiles({ files: 'CT-1.zip, CT-0' }).map((f) => f.folder)).toEqual(['CT-1', 'CT-0']);
    expect(() => selectDatasetFiles({ set: 'all' })).toThrow('unknown set "all" (known sets: seed, full)');
    expect(() => selectDatasetFiles({ files: 'CT-9' })).toThrow('unknown file "CT-9"');
    expect(MOSMEDDATA_FILES.find((f) => f.name === 'CT-0.zip')?.size).toBe(1_045_162_547);
    expect(MOSMEDDATA_FILES.filter((f) => f.size !== undefined || f.sha256 !== undefined)).toHaveLength(1);
    expect(datasetFileUrl(MOSMEDDATA_BASE_URL, MOSMEDDATA_FILES[0])).toBe(
      'https://github.com/hasibzunair/3D-image-classification-tutorial/releases/download/v0.2/CT-0.zip',
    );
    expect(datasetFileUrl('http://mirror.example/data', MOSMEDDATA_FILES[0])).toBe(
      'http://mirror.example/data/CT-0.zip',
    );
  });
});
