import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunLog } from './events.js';

/** The last event id the client saw: Last-Event-ID (EventSource reconnect) or ?since= (page reload). */
export function lastSeenId(req: IncomingMessage, url: URL): number {
  const raw = req.headers['last-event-id'] ?? url.searchParams.get('since') ?? '-1';
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isInteger(n) && n >= -1 ? n : -1;
}

/**
 * Streams a run's events as Server-Sent Events: everything after the client's last id, then live ones;
 * an `end` event once the run has finished so the page can stop reconnecting.
 */
export function streamRun(req: IncomingMessage, res: ServerResponse, url: URL, log: RunLog): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 1000\n\n');
  // Comments keep proxies and idle timeouts from closing a quiet stream.
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  let unsubscribe = () => {};
  const stop = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  unsubscribe = log.subscribe(lastSeenId(req, url), (e) => {
    if (e !== 'done') {
      res.write(`id: ${e.id}\ndata: ${log.json[e.id]}\n\n`);
      return;
    }
    // A finished run has nothing more to say: end the response (the page closes its EventSource).
    res.end(`event: end\ndata: {"events":${log.events.length}}\n\n`);
    clearInterval(heartbeat);
  });
  req.on('close', stop);
  res.on('error', stop);
}
