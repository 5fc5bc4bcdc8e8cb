import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface OpenUrlOptions {
  /** A socket idle this long (no bytes) fails the request (default 60 s). */
  timeoutMs?: number;
  maxRedirects?: number;
}

export interface OpenedUrl {
  /** The URL that answered, after redirects. */
  url: string;
  response: IncomingMessage;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends one GET and resolves with the response head (body unread). Network errors reject. */
function get(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    const req = send(url, { method: 'GET', headers }, (res) => {
      response = res;
      resolve(res);
    });
    // The socket timeout also covers a stalled body; the response gets the reason, not a bare "aborted".
    req.setTimeout(timeoutMs, () => {
      const err = new Error(`no data for ${timeoutMs / 1000} s`);
      response?.destroy(err);
      req.destroy(err);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * GET with redirects followed by hand (GitHub release URLs redirect to a storage host) and no content
 * encoding, so byte offsets on disk match the server's byte ranges.
 */
export async function openUrl(
  url: string,
  headers: Record<string, string>,
  opts: OpenUrlOptions = {},
): Promise<OpenedUrl> {
  const { timeoutMs = 60_000, maxRedirects = 10 } = opts;
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      throw new Error(`unsupported URL protocol ${current.protocol} in ${current}`);
    }
    const response = await get(
      current,
      { 'user-agent': 'ct3d-download', 'accept-encoding': 'identity', ...headers },
      timeoutMs,
    );
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (!REDIRECTS.has(status) || !location) return { url: current.toString(), response };
    response.resume(); // discard the redirect's body so the socket is freed
    if (hop >= maxRedirects) throw new Error(`more than ${maxRedirects} redirects from ${url}`);
    current = new URL(location, current);
  }
}
