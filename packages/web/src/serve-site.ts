// `ct3d serve-web <dir>`: an exported site (diagnosis or training page) served on loopback with the headers
// that make it cross-origin isolated, so the training page's worker runs the wasm conv kernels on two
// threads. Files are opened through core's guarded open: nothing outside the folder, no link out of it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { printable } from '@ct3d/core';
import {
  CONTENT_TYPES,
  decodeSegments,
  type GuardedFile,
  openGuarded,
  PathRefused,
  pipeGuarded,
  servedRoot,
} from '@ct3d/core/node';

/**
 * The headers that make a page cross-origin isolated (SharedArrayBuffer, so two wasm threads): a static host
 * must send them with every file of an exported site; without them the page trains on one thread.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * The pages' content security policy: they compile wasm and run workers, and load and connect only to their
 * own origin (a dropped scan never leaves the tab).
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Every answer of serveSite carries these. */
const SITE_HEADERS = {
  ...ISOLATION_HEADERS,
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The largest file served (an exported site's largest is a model's weights: megabytes). */
const MAX_FILE_BYTES = 1024 ** 3;

/** Options of serveSite. */
export interface ServeSiteOptions {
  /** The exported site's folder (`ct3d export-web --out`). */
  root: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where failures of the server itself (5xx) are reported, one line each; default stderr. */
  log?: (line: string) => void;
}

/** A running site server. */
export interface SiteServer {
  /** The site's address (ends with /). */
  url: string;
  /** The port it listens on. */
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SITE_HEADERS, 'content-type': CONTENT_TYPES['.txt'], ...extra });
  res.end(`${text}\n`);
}

/**
 * The file a request path names: `dir/` is dir/index.html; a folder named without its slash is a redirect
 * (relative URLs in its page need it). Throws PathRefused.
 */
async function openRequested(root: string, path: string): Promise<GuardedFile | { redirect: string }> {
  const raw = path.slice(1).split('/');
  if (raw.at(-1) === '') raw[raw.length - 1] = 'index.html';
  const segments = decodeSegments(raw);
  const served = servedRoot(root);
  try {
    return await openGuarded(served, segments, MAX_FILE_BYTES);
  } catch (err) {
    if (!(err instanceof PathRefused && err.reason.endsWith(': not a regular file'))) throw err;
    const index = await openGuarded(served, [...segments, 'index.html'], MAX_FILE_BYTES).catch(() => null);
    if (!index) throw err;
    await index.handle.close();
    return { redirect: `${raw.at(-1)}/` };
  }
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? '';
  // Only origin-form targets ("/path?query").
  if (!target.startsWith('/')) return answer(res, 400, 'bad request target');
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return answer(res, 405, 'GET only', { allow: 'GET, HEAD' });
  let opened: GuardedFile | { redirect: string };
  try {
    opened = await openRequested(root, target.split(/[?#]/)[0]);
  } catch (err) {
    // Outside the folder or missing alike: a 404 says nothing of what lies outside.
    if (err instanceof PathRefused && err.status !== 413) return answer(res, 404, 'not found');
    if (err instanceof PathRefused) return answer(res, 413, printable(err.reason));
    throw err;
  }
  if ('redirect' in opened) return answer(res, 308, 'see the folder', { location: opened.redirect });
  const file = opened;
  const type = CONTENT_TYPES[extname(file.name).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { ...SITE_HEADERS, 'content-type': type, 'content-length': String(file.size) });
  if (req.method === 'HEAD') {
    await file.handle.close();
    res.end();
    return;
  }
  pipeGuarded(file, res);
}

/**
 * Serves the exported site in `root` (an existing folder) with ISOLATION_HEADERS and the page CSP on every
 * answer: GET and HEAD of its files only; a path outside it, or a link leading out, is a 404. No request can
 * end the server: whatever one makes fail is a 4xx/5xx answer.
 */
export async function serveSite(opts: ServeSiteOptions): Promise<SiteServer> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((line: string) => console.error(line));
  const root = opts.root;
  // The folder must exist now: a typo is an error at start, not a 404 for every request.
  await openGuarded(servedRoot(root), ['index.html'], MAX_FILE_BYTES).then(
    (f) => f.handle.close(),
    () => {
      throw new Error(`${root}: no index.html here (serve a folder \`ct3d export-web\` wrote)`);
    },
  );
  const server = createServer((req, res) => {
    handle(root, req, res).catch((err: unknown) => {
      log(
        `serve-web: ${printable(`${req.method} ${req.url} -> 500: ${err instanceof Error ? err.message : String(err)}`)}`,
      );
      if (res.headersSent) res.destroy();
      else answer(res, 500, 'internal error (details in the server log)');
    });
  });
  // A malformed request is answered 400 by Node and its socket closed: it never reaches the handler.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new Error(`serve-web: cannot listen on ${host}:${opts.port ?? 0}: ${err.message}`)),
    );
    server.listen(opts.port ?? 0, host, resolve);
  });
  server.on('error', (err) => log(`serve-web: server error: ${err.message}`));
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
