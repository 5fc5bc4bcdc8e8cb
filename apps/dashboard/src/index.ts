import { mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TransformEntry } from '@ct3d/augment';
import type { Observable } from 'rxjs';
import { checkBind } from './auth.js';
import type { DashboardEvent } from './events.js';
import { HeatMapStore } from './heat-map-store.js';
import { PredictPages } from './predict-page.js';
import { RunStore } from './runs.js';
import { ScanStore } from './scans.js';
import { createHandler } from './server.js';

export { generateToken, isLoopback } from './auth.js';
export {
  type DashboardEvent,
  type EventRecord,
  eventsFromHistory,
  parseEventsJsonl,
  RunLog,
  type StoredEvent,
} from './events.js';
export type { RunSummary } from './runs.js';
export type { ScanInfo } from './scans.js';

/** Options of startDashboard. */
export interface DashboardOptions {
  /** Folder whose sub-folders are runs (events.jsonl or history.json + metrics.json + PNGs). */
  runsDir: string;
  /** Ingest cache (manifest.json + float32 .nii) whose scans the Scans tab shows. */
  cacheDir?: string;
  /** A live run: the trainer's event stream (e.g. fit(opts) from @ct3d/train). Subscribed once, here. */
  events$?: Observable<DashboardEvent>;
  /** Name of the live run (its folder under runsDir); default: basename of runStart's `runDir`. */
  liveRun?: string;
  /** The augmentation steps the Scans tab previews (a recipe's `augment`; default the seed preset's). */
  augment?: TransformEntry[];
  /** Default 127.0.0.1. Any non-loopback host requires `token`. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Required for non-loopback hosts: requests must carry ?token=, a Bearer header or the cookie. */
  token?: string;
}

/** A running dashboard server. */
export interface Dashboard {
  /** Open this in a browser (includes ?token= when a token is set). */
  url: string;
  host: string;
  port: number;
  /** Names of the live runs fed from events$. */
  liveRuns(): string[];
  /** Stops listening, ends open event streams and unsubscribes from events$. */
  close(): Promise<void>;
}

async function requireDir(path: string, what: string): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (!st?.isDirectory()) throw new Error(`${path}: ${what} not found or not a folder`);
}

/** Starts the dashboard's HTTP server; see README.md for routes and the event fields it reads. */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const host = opts.host ?? '127.0.0.1';
  checkBind(host, opts.token);
  // A live run may be the first one: its runs folder is created; a replay needs an existing one.
  if (opts.events$) await mkdir(opts.runsDir, { recursive: true });
  await requireDir(opts.runsDir, 'runs folder');
  if (opts.cacheDir) await requireDir(opts.cacheDir, 'scan cache');
  const runs = new RunStore(opts.runsDir);
  if (opts.events$) runs.attach(opts.events$, opts.liveRun);
  const scans = opts.cacheDir ? new ScanStore(opts.cacheDir, undefined, opts.augment) : undefined;
  const heatMaps = scans ? new HeatMapStore(runs, scans) : undefined;
  const predictPages = new PredictPages(runs);
  const server = createServer(
    createHandler({ runs, scans, heatMaps, predictPages, host, token: opts.token }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new Error(`dashboard: cannot listen on ${host}:${opts.port ?? 0}: ${err.message}`)),
    );
    server.listen(opts.port ?? 0, host, resolve);
  });
  // Once listening, a server error (e.g. EMFILE on accept) is reported, never thrown into a training run.
  server.on('error', (err) => console.error(`dashboard: server error: ${err.message}`));
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}/${opts.token ? `?token=${encodeURIComponent(opts.token)}` : ''}`;
  return {
    url,
    host,
    port,
    liveRuns: () => runs.liveNames(),
    close: async () => {
      runs.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
