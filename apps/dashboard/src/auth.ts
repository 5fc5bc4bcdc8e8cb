import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether `host` names this machine's loopback interface (127.x.x.x, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A random URL-safe token for `--host` binds. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Refuses a non-loopback bind without a token, and tokens too short to resist guessing. */
export function checkBind(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new Error(
      `dashboard: refusing to listen on ${host} without a token (pass a token, or bind 127.0.0.1)`,
    );
  }
  if (token !== undefined && token.length < 16)
    throw new Error('dashboard: token must be at least 16 characters');
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const TOKEN_COOKIE = 'ct3d_dashboard_token';

/** A cookie value percent-decoded; malformed encoding is kept as sent (it then simply fails to match). */
function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The token a request carries: ?token=, Authorization: Bearer, or the cookie set on first visit. */
export function requestToken(req: IncomingMessage, url: URL): { token?: string; fromQuery: boolean } {
  const q = url.searchParams.get('token');
  if (q) return { token: q, fromQuery: true };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), fromQuery: false };
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return { token: decodeCookie(v.join('=')), fromQuery: false };
  }
  return { fromQuery: false };
}

/**
 * 401 when a token is configured and the request lacks it; 403 when bound to loopback and the Host
 * header names another host (a DNS-rebinding page must not read the dashboard).
 */
export function authorize(req: IncomingMessage, url: URL, bindHost: string, token?: string): 200 | 401 | 403 {
  if (isLoopback(bindHost) && !token) {
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!isLoopback(hostname)) return 403;
  }
  if (!token) return 200;
  const given = requestToken(req, url).token;
  return given !== undefined && sameToken(given, token) ? 200 : 401;
}
