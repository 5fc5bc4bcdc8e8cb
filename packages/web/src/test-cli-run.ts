// Test support for the training page's Chromium tests: the `ct3d train` runs they compare the tab with, and
// the form set as those runs' options.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discoverScans } from '@ct3d/io/dataset';
import { getConvThreads, setConvThreads } from '@ct3d/model';
import { createWorkerPool, ingest } from '@ct3d/pipeline';
import { trainFromCache } from '@ct3d/train';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { lastValueFrom } from 'rxjs';
import { expect } from 'vitest';

/** The size the tests train at (`--size 16x16x8`). */
export const TAB_SIZE: [number, number, number] = [16, 16, 8];
/** `ct3d train --epochs 2 --seed 4 --filters 2`. */
export const TAB_RUN = { epochs: 2, seed: 4, filters: [2] };

/** `ct3d ingest <data> --size 16x16x8 --out <cacheDir>` (one worker). */
export async function ingestFolder(data: string, cacheDir: string): Promise<void> {
  const pool = createWorkerPool({ workers: 1 });
  try {
    const { scans } = await discoverScans(data);
    await lastValueFrom(ingest({ scans, cacheDir, size: TAB_SIZE, pool }));
  } finally {
    await pool.close();
  }
}

/**
 * `ct3d train <cacheDir> --backend wasm` with TAB_RUN's options into runDir, its conv kernels on `threads`
 * threads (the count the weights' last bits depend on; restored after).
 */
export async function cliTrain(cacheDir: string, runDir: string, threads: 1 | 2): Promise<string> {
  const before = getConvThreads() === 1 ? 1 : 2;
  setConvThreads(threads);
  try {
    await trainFromCache({ ...TAB_RUN, cacheDir, runDir, backend: 'wasm', workers: 1 }).start();
  } finally {
    setConvThreads(before);
  }
  return runDir;
}

/** The training page's form set as TAB_RUN's options (`epochs` of them), on wasm. */
export async function fillTrainSettings(page: Page, epochs = TAB_RUN.epochs): Promise<void> {
  await page.fill('#size', TAB_SIZE.join('x'));
  await page.fill('#epochs', String(epochs));
  await page.fill('#seed', String(TAB_RUN.seed));
  await page.fill('#filters', TAB_RUN.filters.join(','));
  await page.selectOption('#backend', 'wasm');
}

/** The run folders' final (model/) and best (best/) weights, read as bytes. */
export async function runWeights(run: string): Promise<Uint8Array[]> {
  return Promise.all(
    ['model', 'best'].map(async (folder) => new Uint8Array(await readFile(join(run, folder, 'weights.bin')))),
  );
}

/** The tab's run has the CLI run's final and best weights, byte for byte. */
export async function expectSameWeights(tabRun: string, cliRun: string): Promise<void> {
  const [tab, cli] = [await runWeights(tabRun), await runWeights(cliRun)];
  for (const [i, weights] of tab.entries()) {
    expect(weights.length).toBe(cli[i].length);
    expect(weights).toEqual(cli[i]);
  }
}

/**
 * The run folders' `name` PNG (curves.png, montage.png) shows the same pixels in both: the tab draws it with the
 * CLI's code, and only its deflate (Chromium's) packs the bytes otherwise.
 */
export async function expectSamePng(name: string, tabRun: string, cliRun: string): Promise<void> {
  const read = async (dir: string) => PNG.sync.read(await readFile(join(dir, name)));
  const [tab, cli] = [await read(tabRun), await read(cliRun)];
  expect([tab.width, tab.height]).toEqual([cli.width, cli.height]);
  expect(tab.data.equals(cli.data), `${name}: other pixels than the CLI run's`).toBe(true);
}
