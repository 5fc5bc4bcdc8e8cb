// Blobs (a browser's File objects) give the same series, skips and volumes as the same files on disk, and the
// wasm codecs load their .wasm from where setDicomWasmLocator says, by the names DICOM_WASM_FILES lists.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dicomWasmFilePaths, readDicomFolder, readDicomVolume } from '../node.js';
import {
  DICOM_WASM_FILES,
  type DicomBlob,
  readBlobSeries,
  readDicomBlobHeaders,
  readDicomSeries,
  setDicomWasmLocator,
} from './index.js';
import { makeSeries, transcode } from './test-series.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ct3d-dicom-blobs-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const blobsOf = (dir: string): DicomBlob[] =>
  readdirSync(dir)
    .sort()
    .map((name) => ({ name: join(dir, name), blob: new Blob([readFileSync(join(dir, name))]) }));

describe('readDicomBlobHeaders', () => {
  it('finds the series and skips of a folder, and reads the series as readDicomVolume does', async () => {
    const dir = makeSeries(join(root, 'extras'), 'extras');
    writeFileSync(join(dir, 'notes.txt'), 'not dicom');
    const { series, skipped } = await readDicomBlobHeaders(blobsOf(dir));
    const onDisk = await readDicomFolder(dir);
    expect(series.map((s) => s.series.name)).toEqual(onDisk.series.map((s) => s.name));
    expect(skipped).toEqual(onDisk.skipped);
    expect(series[0].files.map((f) => f.name)).toEqual(series[0].series.instances.map((i) => i.name));
    await expect(series[0].series.instances[0].readFrame(0)).rejects.toThrow(/parsed for its header only/);
    const volume = await readDicomSeries(await readBlobSeries(series[0]));
    const want = await readDicomVolume(dir);
    expect(volume.data).toEqual(want.data);
    expect(volume.affine).toEqual(want.affine);
  });

  it('refuses a series thinner than minExtent before decoding it, naming the series', async () => {
    const dir = makeSeries(join(root, 'thin'), 'axial', { slices: 3 });
    const { series } = await readDicomBlobHeaders(blobsOf(dir));
    await expect(readDicomSeries(await readBlobSeries(series[0]), { minExtent: 4 })).rejects.toThrow(
      /^Chest_1\.0_B31f-[0-9a-f]{12}: degenerate volume 20x24x3: a CT scan needs at least 4 voxels along each axis$/,
    );
  });
});

describe('DICOM_WASM_FILES', () => {
  it('names the .wasm each wasm codec asks for, and dicomWasmFilePaths finds them', async () => {
    const paths = Object.fromEntries(dicomWasmFilePaths().map((f) => [f.name, f.path]));
    expect(Object.keys(paths)).toEqual(Object.keys(DICOM_WASM_FILES));
    for (const path of Object.values(paths)) expect(existsSync(path)).toBe(true);
    const asked: string[] = [];
    setDicomWasmLocator((file) => {
      asked.push(file);
      return paths[file] ?? `/nowhere/${file}`;
    });
    const plain = makeSeries(join(root, 'plain'), 'axial', { seed: 5 });
    const want = await readDicomVolume(plain);
    for (const syntax of ['JPEG-LS lossless', 'JPEG 2000 lossless'] as const) {
      const dir = transcode(plain, join(root, syntax.replaceAll(' ', '-')), syntax);
      expect((await readDicomVolume(dir)).data).toEqual(want.data);
    }
    expect(asked).toEqual(['charlswasm_decode.wasm', 'openjpegwasm_decode.wasm']);
  });
});
