import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printable } from '@ct3d/core';
import { CONTENT_TYPES, decodeSegments, PathRefused, servedRoot } from '@ct3d/core/node';
import { assertAppBuilt, VIEWER_DIR } from '@ct3d/web';
import { authorize, requestToken, TOKEN_COOKIE } from './auth.js';
import type { HeatMapStore } from './heat-map-store.js';
import { HttpError } from './http-error.js';
import { decodeRunName } from './paths.js';
import { type PredictPages, predictPageRoute, trainPageRoute } from './predict-page.js';
import { send, sendFile, sendJson } from './respond.js';
import type { RunStore } from './runs.js';
import type { ScanStore } from './scans.js';
import { streamRun } from './sse.js';

const PUBLIC_DIR = servedRoot(join(dirname(fileURLToPath(import.meta.url)), '..', 'public'));
const UPLOT_DIR = servedRoot(dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js')));
/** The page's viewer (NiiVue bundled in) as @ct3d/web builds it: the Scans tab shows volumes with it. */
const VIEWER = servedRoot(VIEWER_DIR);

export interface ServerContext {
  runs: RunStore;
  scans?: ScanStore;
  heatMaps?: HeatMapStore;
  /** The in-browser diagnosis page of each run (/runs/<name>/predict/). */
  predictPages?: PredictPages;
  host: string;
  token?: string;
  /** Where server faults (5xx) are reported, one line each; default stderr. */
  log?: (line: string) => void;
}

/** An integer query parameter within [min, max]; plain decimal digits only (no 1e3, 0x10 or spaces). */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d{1,9}$/.test(raw)) throw new HttpError(400, `${name} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new HttpError(400, `${name} must be ${min}..${max}`);
  return n;
}

/** A volume for the viewer: NIfTI bytes (float32, with the grid's affine); `extra` headers say what it is. */
function sendNifti(res: ServerResponse, bytes: Uint8Array, extra = {}): void {
  send(res, 200, bytes, 'application/octet-stream', extra);
}

/** The cached scan (?sample=n: the augmentation's sample n) in HU: /api/scans/<id>/scan.nii. */
async function scanRoute(ctx: ServerContext, res: ServerResponse, url: URL, rest: string[]): Promise<void> {
  if (!ctx.scans) throw new HttpError(404, 'no scan cache given');
  if (rest.length === 0) return sendJson(res, await ctx.scans.list());
  const [id, what, ...more] = decodeSegments(rest);
  if (what !== 'scan.nii' || more.length > 0) throw new HttpError(404, 'unknown scan view');
  const sample = intParam(url, 'sample', 0, 0, 1_000_000);
  return sendNifti(res, await ctx.scans.nifti(id, sample));
}

/** A heat map of a scan under a run's model, on the scan's grid (heat.nii); the prediction rides in headers. */
async function heatMapRoute(ctx: ServerContext, res: ServerResponse, run: string, rest: string[]) {
  if (!ctx.heatMaps) throw new HttpError(404, 'no scan cache given');
  const [scanId, what, ...more] = decodeSegments(rest);
  if (what !== 'heat.nii' || more.length > 0) throw new HttpError(404, 'unknown heat map view');
  const r = await ctx.heatMaps.get(run, scanId);
  sendNifti(res, r.nifti, {
    'x-probability': r.probability,
    'x-class': r.classIndex,
    'x-layer': r.layer,
    'x-method': r.method,
  });
}

async function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL, raw: string[]) {
  const [head, ...rest] = raw;
  if (raw.length === 0 || (raw.length === 1 && head === 'index.html')) {
    return sendFile(res, PUBLIC_DIR, ['index.html']);
  }
  if (head === 'static') return sendFile(res, PUBLIC_DIR, decodeSegments(rest));
  if (head === 'vendor') return sendFile(res, UPLOT_DIR, decodeSegments(rest));
  if (head === 'viewer') {
    await assertAppBuilt(); // built with the page, on first use in a checkout
    return sendFile(res, VIEWER, decodeSegments(rest));
  }
  if (head === 'train') return trainPageRoute(res, rest);
  if (head === 'runs' && rest[1] === 'predict' && ctx.predictPages) {
    return predictPageRoute(ctx.predictPages, res, decodeRunName(rest[0] ?? ''), rest.slice(2));
  }
  if (head !== 'api') throw new HttpError(404, 'not found');
  const [section, ...more] = rest;
  if (section === 'info') {
    return sendJson(res, { live: ctx.runs.liveNames(), scans: Boolean(ctx.scans) });
  }
  if (section === 'scans') return scanRoute(ctx, res, url, more);
  if (section === 'folds' && more.length === 0) return sendJson(res, await ctx.runs.foldSummaries());
  if (section !== 'runs') throw new HttpError(404, 'not found');
  if (more.length === 0) return sendJson(res, await ctx.runs.list());
  const [name, what, ...file] = more;
  const run = decodeRunName(name ?? '');
  if (what === 'files') {
    return sendFile(res, ctx.runs.root, [...(await ctx.runs.runSegments(run)), ...decodeSegments(file)]);
  }
  if (what === 'heatmap') return heatMapRoute(ctx, res, run, file);
  const log = await ctx.runs.get(run);
  if (what === 'events' && file.length === 0) return streamRun(req, res, url, log);
  if (what === 'log' && file.length === 0) return sendJson(res, log.events);
  throw new HttpError(404, 'not found');
}

/** The status and client message of anything a route threw; unknown errors are a 500 that names nothing. */
function describeFailure(err: unknown): { status: number; message: string; known: boolean } {
  if (err instanceof PathRefused || err instanceof HttpError) {
    return { status: err.status, message: err.message, known: true };
  }
  if (err instanceof RangeError) return { status: 400, message: err.message, known: true };
  return { status: 500, message: 'internal error (details in the server log)', known: false };
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  // Only origin-form targets ("/path?query"); anything else, or a target the URL parser rejects, is a 400.
  if (!rawUrl.startsWith('/')) throw new HttpError(400, 'bad request target');
  let url: URL;
  try {
    url = new URL(rawUrl, 'http://dashboard.invalid');
  } catch {
    throw new HttpError(400, 'bad request target');
  }
  const auth = authorize(req, url, ctx.host, ctx.token);
  if (auth !== 200) {
    send(res, auth, auth === 401 ? 'token required\n' : 'bad Host\n', CONTENT_TYPES['.txt']);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'GET only\n', CONTENT_TYPES['.txt']);
    return;
  }
  if (ctx.token && requestToken(req, url).fromQuery) {
    res.setHeader(
      'set-cookie',
      `${TOKEN_COOKIE}=${encodeURIComponent(ctx.token)}; HttpOnly; SameSite=Strict; Path=/`,
    );
  }
  const path = rawUrl.split(/[?#]/)[0];
  const raw = path === '/' ? [] : path.slice(1).split('/');
  await route(ctx, req, res, url, raw);
}

/**
 * The request handler: parse, auth, raw-path splitting (before any `..` normalisation), routing. The one
 * place errors end: whatever a request makes any step throw becomes a 4xx/5xx answer (5xx also logged as one
 * line); nothing escapes to the server, so a request cannot end the process (or the training run it serves).
 */
export function createHandler(ctx: ServerContext) {
  const log = ctx.log ?? ((line: string) => console.error(line));
  return (req: IncomingMessage, res: ServerResponse): void => {
    const answer = (err: unknown) => {
      const { status, message, known } = describeFailure(err);
      if (!known || status >= 500) {
        const detail = err instanceof Error ? err.message : String(err);
        log(`dashboard: ${printable(`${req.method} ${req.url} -> ${status}: ${detail}`)}`);
      }
      try {
        if (res.headersSent) res.destroy();
        else send(res, status, `${printable(message)}\n`, CONTENT_TYPES['.txt']);
      } catch {
        res.destroy();
      }
    };
    handle(ctx, req, res).catch(answer);
  };
}
