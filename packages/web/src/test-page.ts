// Test support for the page's Chromium tests (web and dashboard): what the page shows, and DICOM studies with
// a planted patient identity to search the page for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { makeSeries, transcode } from '../../io/src/dicom/test-series.js';

/** The probabilities the page shows, checked against `want` (one per class, each within 1e-4). */
export async function expectProbabilities(on: Page, want: number[]): Promise<void> {
  const got = await on.$$eval('#probabilities tbody tr', (rows) =>
    rows.map((r) => Number((r as HTMLElement).dataset.probability)),
  );
  expect(got).toHaveLength(want.length);
  for (const [c, p] of want.entries()) expect(Math.abs(got[c] - p)).toBeLessThan(1e-4);
}

/** How many drops or picks the page has taken. */
export async function requestCount(on: Page): Promise<number> {
  return Number((await on.getAttribute('body', 'data-request')) ?? 0);
}

/** Waits until the page is done with the drop or pick after the `since`th: 'done' or 'error'. */
export async function finished(on: Page, since: number): Promise<string> {
  await on.waitForFunction(
    (n) =>
      Number(document.body.dataset.request ?? 0) > n &&
      ['done', 'error'].includes(document.body.dataset.state ?? ''),
    since,
  );
  return (await on.getAttribute('body', 'data-state')) ?? '';
}

/** The identity planted in every test file: the brief's, plus what test-series.py itself plants. */
export const PLANTED_NAME = 'ZZTESTPATIENT^PLANTED';
export const PLANTED_ID = 'PLANTED-ID-4242';
export const PLANTED = [PLANTED_NAME, 'ZZTESTPATIENT', PLANTED_ID, 'Zzplanted', 'PID-QX7723', 'Qxplanted'];

/** Sets PatientName and PatientID in every file of dir (dcmtk's dcmodify keeps the transfer syntax). */
function plant(dir: string): void {
  const files = readdirSync(dir).map((f) => join(dir, f));
  execFileSync('dcmodify', [
    '-nb',
    '-m',
    `(0010,0010)=${PLANTED_NAME}`,
    '-m',
    `(0010,0020)=${PLANTED_ID}`,
    ...files,
  ]);
}

const SMALL = { rows: 24, cols: 20, slices: 6 };

/** A series of `kind` in `syntax` (JPEG-LS and JPEG 2000 need the page's wasm codecs) at dir, planted. */
export function plantedSeries(
  dir: string,
  opts: {
    kind?: 'axial' | 'unsigned12' | 'extras' | 'missing';
    syntax?: 'JPEG-LS lossless' | 'JPEG 2000 lossless';
    seed: number;
    description: string;
  },
): string {
  const { kind = 'axial', syntax, seed, description } = opts;
  const plain = syntax ? mkdtempSync(join(tmpdir(), 'ct3d-plain-')) : dir;
  makeSeries(plain, kind, { ...SMALL, seed, description });
  plant(plain);
  if (!syntax) return dir;
  transcode(plain, dir, syntax);
  rmSync(plain, { recursive: true, force: true });
  return dir;
}
