// Test support for the page's Chromium tests (web and dashboard): what the page shows, and DICOM studies with
// a planted patient identity to search the page for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '@ct3d/io/node';
import { brightQuadrants, MARKER, markerScan, type Plane, type QuadrantCounts } from '@ct3d/test-support';
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

/** On the training page: trains on `folder` (the folder input) and waits for the run's end: 'done' or 'error'. */
export async function trainFolder(on: Page, folder: string): Promise<string> {
  await on.setInputFiles('#folder', folder);
  await on.click('#train');
  await on.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, {
    timeout: 150_000,
  });
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

/** The asymmetric phantom (@ct3d/test-support's markerScan: a cube on the patient's left, posterior, superior). */
export async function writeMarkerScan(path: string): Promise<void> {
  await writeNifti(markerScan(), path, { datatype: 'int16' });
}

export interface MarkerViewOptions {
  /** The plane shown (default axial). */
  plane?: Plane;
  /** The page's viewer (ct3dViewer) or the dashboard Scans tab's scan viewer (ct3dScanViewers()[0]). */
  viewer?: 'page' | 'dashboard';
  /** The viewer's canvas (default the page's). */
  canvas?: string;
}

/**
 * Bright pixels per quadrant of a viewer showing `plane` through the marker's centre (colour bar, letters,
 * crosshair and heat map off), read from a screenshot: NiiVue draws with WebGL2 (SwiftShader here).
 */
export async function markerQuadrants(
  on: Page,
  radiological: boolean,
  opts: MarkerViewOptions = {},
): Promise<QuadrantCounts> {
  const { plane = 'axial', viewer = 'page', canvas = '#viewer-canvas' } = opts;
  await on.evaluate(
    ([radio, layout, which, mm]) => {
      interface Viewer {
        nv: {
          opts: Record<string, unknown>;
          volumes: { opacity: number }[];
          scene: { crosshairPos: unknown };
          mm2frac(mm: readonly number[]): unknown;
          updateGLVolume(): void;
        };
        setLayout(name: string): void;
        setRadiological(on: boolean): void;
      }
      const g = globalThis as unknown as { ct3dViewer?(): Viewer; ct3dScanViewers?(): Viewer[] };
      const v = which === 'page' ? g.ct3dViewer?.() : g.ct3dScanViewers?.()[0];
      if (!v) throw new Error(`no ${which} viewer on this page`);
      Object.assign(v.nv.opts, { isColorbar: false, isOrientationTextVisible: false, crosshairWidth: 0 });
      if (v.nv.volumes[1]) v.nv.volumes[1].opacity = 0;
      v.setLayout(layout);
      v.setRadiological(radio);
      v.nv.scene.crosshairPos = v.nv.mm2frac(mm);
      v.nv.updateGLVolume();
    },
    [radiological, plane, viewer, MARKER.centreMm] as const,
  );
  // NiiVue draws on the next animation frames; on a loaded machine a fixed wait alone can be too short.
  await on.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null)))),
  );
  await on.waitForTimeout(300);
  await on.locator(canvas).scrollIntoViewIfNeeded();
  const box = await on.locator(canvas).boundingBox();
  if (!box) throw new Error(`${canvas} is not shown`);
  const png = (await on.screenshot({ clip: box })).toString('base64');
  // Decoded by the browser (no PNG decoder in Node here), its RGBA sent back as base64.
  const { width, height, rgba } = await on.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.width, img.height];
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let text = '';
    for (let o = 0; o < data.length; o += 0x8000)
      text += String.fromCharCode(...data.subarray(o, o + 0x8000));
    return { width: c.width, height: c.height, rgba: btoa(text) };
  }, png);
  return brightQuadrants(Buffer.from(rgba, 'base64'), width, { x: 0, y: 0, w: width, h: height });
}
