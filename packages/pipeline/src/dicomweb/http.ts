// One DICOMweb GET with a stall timeout, and the retry rule: a dropped connection, a stall, a cut or
// malformed body and 408/429/5xx are tried again with exponential backoff (bounded); other statuses
// (401, 403, 404, ...) fail at once.
import type { DicomwebServer } from './server.js';

/** A request that failed: `message` is one line without credentials; `retryable` says another try may help. */
export class DicomwebError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DicomwebError';
  }
}

/** Options of one DICOMweb request. */
export interface RequestOptions {
  /** A response with no bytes for this long is abandoned (default 60 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface OpenResponse {
  response: Response;
  /** The body, which fails with a retryable DicomwebError on a stall or a cut, counting bytes as they come. */
  body: ReadableStream<Uint8Array>;
}

const STATUS_HINTS: Record<number, string> = {
  401: ' (check CT3D_DICOMWEB_USER / CT3D_DICOMWEB_PASSWORD or CT3D_DICOMWEB_TOKEN)',
  403: ' (the credentials are not allowed to read this study)',
  404: ' (not found on the PACS)',
};

/** Sends a GET for `path` (relative to the base URL) and resolves once the status is 2xx. */
export async function openDicomweb(
  server: DicomwebServer,
  path: string,
  accept: string,
  onBytes: (n: number) => void,
  opts: RequestOptions = {},
): Promise<OpenResponse> {
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  const controller = new AbortController();
  const abort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', abort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  };
  const stop = () => {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', abort);
  };
  const headers: Record<string, string> = { accept };
  if (server.authorization) headers.authorization = server.authorization;
  arm();
  let response: Response;
  try {
    response = await fetch(`${server.base}/${path}`, { headers, signal: controller.signal });
  } catch (error) {
    stop();
    throw networkError(server, error, controller.signal);
  }
  if (!response.ok) {
    stop();
    await response.body?.cancel().catch(() => undefined);
    const { status } = response;
    const retryable = status === 408 || status === 429 || status >= 500;
    const text = `HTTP ${status} ${response.statusText}`.trim();
    throw new DicomwebError(`${text} from ${server.display}${STATUS_HINTS[status] ?? ''}`, retryable, status);
  }
  return { response, body: watchBody(server, response, controller.signal, arm, stop, onBytes) };
}

/** The response body, counting bytes and re-arming the stall timer; a failed read becomes a DicomwebError. */
function watchBody(
  server: DicomwebServer,
  response: Response,
  signal: AbortSignal,
  arm: () => void,
  stop: () => void,
  onBytes: (n: number) => void,
): ReadableStream<Uint8Array> {
  const reader = response.body?.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        const next = reader ? await reader.read() : { done: true as const, value: undefined };
        if (next.done) {
          stop();
          out.close();
          return;
        }
        arm();
        onBytes(next.value.byteLength);
        out.enqueue(next.value);
      } catch (error) {
        stop();
        throw networkError(server, error, signal);
      }
    },
    cancel(reason) {
      stop();
      return reader?.cancel(reason);
    },
  });
}

/** A network failure or stall, as a retryable one-line error (an abort by the caller is not retried). */
function networkError(server: DicomwebServer, error: unknown, signal: AbortSignal): DicomwebError {
  if (error instanceof DicomwebError) return error;
  const reason = signal.aborted ? signal.reason : error;
  const cause = (reason as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const message = cause?.message ?? (reason as Error | undefined)?.message ?? String(reason);
  const why = cause?.code && !message.includes(cause.code) ? `${message}, ${cause.code}` : message;
  return new DicomwebError(server.scrub(`connection to ${server.display} failed (${why})`), true);
}

/** How a failed DICOMweb request is retried. */
export interface RetryOptions {
  /** Tries after the first one (default 3). */
  retries?: number;
  /** First delay, doubled at each retry (default 500 ms). */
  retryDelayMs?: number;
  /** Told before each retry with the failure's one-line message. */
  onRetry?: (message: string, attempt: number) => void;
  signal?: AbortSignal;
}

/** Runs `attempt` until it succeeds, fails with a non-retryable error, or the retries are spent. */
export async function withRetries<T>(attempt: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const { retries = 3, retryDelayMs = 500 } = opts;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof DicomwebError && error.retryable;
      if (!retryable || n >= retries || opts.signal?.aborted) {
        if (retryable && n > 0) {
          throw new DicomwebError(`${error.message}; gave up after ${n + 1} tries`, false, error.status);
        }
        throw error;
      }
      opts.onRetry?.(error.message, n + 1);
      await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** n));
    }
  }
}
