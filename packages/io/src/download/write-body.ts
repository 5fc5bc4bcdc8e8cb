import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface BodyOutcome {
  /** Bytes of the body now on disk. */
  received: number;
  /** Why the body stopped early (a cut connection, a timeout, or onChunk's refusal). */
  error?: Error;
}

/**
 * Writes a response body to a file, keeping every byte that arrived before a cut connection: a
 * destroyed response drops its unread buffer, so data is taken in flowing mode (paused only for disk
 * backpressure), and the file stream is ended, not destroyed. onChunk may throw to stop (e.g. too many
 * bytes); that chunk is not written. A disk error rejects.
 */
export function writeBody(
  body: Readable,
  path: string,
  append: boolean,
  onChunk: (received: number) => void,
): Promise<BodyOutcome> {
  return new Promise((resolve, reject) => {
    if (body.destroyed) {
      resolve({ received: 0, error: new Error('connection closed before the body') });
      return;
    }
    const out = createWriteStream(path, { flags: append ? 'a' : 'w' });
    let received = 0;
    let stopped = false;
    let error: Error | undefined;
    const stop = (why?: Error) => {
      if (stopped) return;
      stopped = true;
      error = why;
      if (why) body.destroy();
      out.end();
    };
    out.on('error', (e) => {
      stop(e);
      reject(e);
    });
    out.on('close', () => resolve({ received, error }));
    body.on('data', (chunk: Buffer) => {
      if (stopped) return;
      try {
        onChunk(received + chunk.length);
      } catch (e) {
        stop(e as Error);
        return;
      }
      received += chunk.length;
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    });
    body.on('end', () => stop());
    body.on('error', (e) => stop(e));
    body.on('close', () => stop(body.readableEnded ? undefined : new Error('connection closed early')));
  });
}
