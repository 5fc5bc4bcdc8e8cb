// Answers of the dashboard's server: every one carries the security headers (a page served here may load
// and connect only to this server), files go through the guarded read.
import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { CONTENT_TYPES, openGuarded, pipeGuarded, type ServedRoot } from '@ct3d/core/node';
import { ISOLATION_HEADERS } from '@ct3d/web';
import { toJson } from './events.js';
import { HttpError } from './http-error.js';
import { READ_LIMITS } from './read-limits.js';

/**
 * The page may load and connect only to this server: nothing leaves the machine. Cross-origin isolated (web's
 * ISOLATION_HEADERS), so the training page's worker runs the wasm conv kernels on two threads.
 */
export const SECURITY_HEADERS = {
  ...ISOLATION_HEADERS,
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function send(
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  type: string,
  extra = {},
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
  res.end(body);
}

export const sendJson = (res: ServerResponse, value: unknown) =>
  send(res, 200, toJson(value), CONTENT_TYPES['.json']);

/** A file under `root` through the guarded read (real path inside, regular file, size bound), streamed. */
export async function sendFile(
  res: ServerResponse,
  root: ServedRoot,
  segments: string[],
  headers: Record<string, string> = SECURITY_HEADERS,
): Promise<void> {
  const type = CONTENT_TYPES[extname(segments.at(-1) ?? '').toLowerCase()];
  if (!type) throw new HttpError(404, 'file type not served');
  const file = await openGuarded(root, segments, READ_LIMITS.served);
  res.writeHead(200, { ...headers, 'content-type': type, 'content-length': file.size });
  pipeGuarded(file, res);
}
