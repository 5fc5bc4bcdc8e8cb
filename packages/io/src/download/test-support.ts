/**
 * Test helpers (no network): a minimal zip writer that can also write the hostile entries a real writer
 * refuses (`../x`, absolute paths, symlinks, lying sizes), and a local HTTP server with Range support,
 * redirects and injectable faults. Used by the io and CLI tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { encodeNifti } from '../nifti-encode.js';
import { synthesizeChestCT } from '../synthetic.js';
import { crc32Update } from './crc32.js';

export interface ZipEntrySpec {
  name: string;
  data?: Uint8Array;
  deflate?: boolean;
  /** Unix mode in the external attributes, e.g. 0o120777 for a symlink (default 0o100644). */
  mode?: number;
  /** Declared uncompressed size, to lie about it (default the real size). */
  declaredSize?: number;
}

/** A zip (no zip64, no data descriptors) with UTF-8 names taken verbatim. */
export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.data ?? new Uint8Array(0);
    const body = e.deflate ? deflateRawSync(data) : Buffer.from(data);
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32Update(0, data);
    const usize = e.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(usize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix, so the mode bits count
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(usize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A small synthetic scan as .nii.gz bytes (16x16x8 unless told). */
export function tinyScanBytes(seed: number, abnormal = false, size = 16, slices = 8): Uint8Array {
  const vol = synthesizeChestCT({ size, slices, abnormal, seed });
  return gzipSync(encodeNifti(vol, { datatype: 'int16' }));
}

/** What the server does; tests change it between requests. */
export interface ServerBehavior {
  /** Apply the faults below only to this file name (default: every file). */
  only?: string;
  /** Cut the connection after this many body bytes, for the next `cutTimes` responses. */
  cutAfter?: number;
  cutTimes?: number;
  /** Answer Range requests with the whole file (200). */
  ignoreRange?: boolean;
  /** Send no Content-Length (chunked) and only this many bytes. */
  truncateTo?: number;
  /** Content-Length to claim instead of the real size. */
  claimSize?: number;
  /** Send this many bytes, then nothing more (the connection stays open). */
  stallAfter?: number;
}

export interface LoggedRequest {
  path: string;
  range?: string;
  ifRange?: string;
}

export interface TestServer {
  /** Base URL whose files redirect to another path, as GitHub release URLs do. */
  baseUrl: string;
  files: Map<string, Uint8Array>;
  behavior: ServerBehavior;
  /** File requests (after the redirect), in order. */
  requests: LoggedRequest[];
  close(): Promise<void>;
}

function etagOf(data: Uint8Array): string {
  return `"${crc32Update(0, data).toString(16)}-${data.length}"`;
}

function serveFile(req: IncomingMessage, res: ServerResponse, data: Uint8Array, b: ServerBehavior): void {
  const etag = etagOf(data);
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const ifRange = req.headers['if-range'];
  let start = 0;
  if (range && !b.ignoreRange && (!ifRange || ifRange === etag)) {
    start = Number(range[1]);
    if (start >= data.length) {
      res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
      return;
    }
    res.statusCode = 206;
    res.setHeader('content-range', `bytes ${start}-${data.length - 1}/${data.length}`);
  }
  res.setHeader('etag', etag);
  res.setHeader('accept-ranges', 'bytes');
  let body = Buffer.from(data.subarray(start));
  if (b.truncateTo !== undefined) body = body.subarray(0, b.truncateTo);
  else res.setHeader('content-length', b.claimSize ?? body.length);
  if (b.stallAfter !== undefined) {
    res.write(body.subarray(0, b.stallAfter));
    return;
  }
  if (b.cutAfter !== undefined && (b.cutTimes ?? 1) > 0) {
    b.cutTimes = (b.cutTimes ?? 1) - 1;
    res.write(body.subarray(0, b.cutAfter), () => res.socket?.destroy());
    return;
  }
  // write + end: a single end(body) would make Node add the Content-Length that truncateTo leaves out.
  res.write(body);
  res.end();
}

/** Serves `files` at `<baseUrl><name>` (a 302 to `/storage/<name>`) on 127.0.0.1, port chosen by the OS. */
export async function startTestServer(files: Record<string, Uint8Array>): Promise<TestServer> {
  const state: TestServer = {
    baseUrl: '',
    files: new Map(Object.entries(files)),
    behavior: {},
    requests: [],
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const release = /^\/release\/(.+)$/.exec(url.pathname);
    if (release) {
      res.writeHead(302, { location: `/storage/${release[1]}?signed=1` }).end();
      return;
    }
    const name = /^\/storage\/(.+)$/.exec(url.pathname)?.[1];
    const data = name ? state.files.get(decodeURIComponent(name)) : undefined;
    state.requests.push({
      path: url.pathname,
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
    });
    if (!data) {
      res.writeHead(404).end('not found');
      return;
    }
    const b = state.behavior;
    serveFile(req, res, data, b.only === undefined || b.only === name ? b : {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}/release/`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
