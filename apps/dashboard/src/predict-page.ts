// Each run's in-browser diagnosis page (@ct3d/web) at /runs/<name>/predict/: the prebuilt page, the run's
// manifest and its best checkpoint's files, the same folder `ct3d export-web` writes. A scan dropped on the
// page never reaches this server: the page reads it in the tab. And the training page at /train/.

import type { ServerResponse } from 'node:http';
import { CONTENT_TYPES, decodeSegments, readGuardedTextIfPresent, servedRoot } from '@ct3d/core/node';
import { RUN_FILES } from '@ct3d/train/run-folder';
import {
  APP_DIR,
  assertAppBuilt,
  MANIFEST_FILE,
  MODEL_FOLDER,
  PAGE_CSP,
  TRAIN_DIR,
  type WebManifest,
  webManifest,
} from '@ct3d/web';
import { HttpError } from './http-error.js';
import { READ_LIMITS } from './read-limits.js';
import { SECURITY_HEADERS, send, sendFile } from './respond.js';
import { loadRunModel, modelFolder } from './run-model.js';
import type { RunStore } from './runs.js';

const APP_ROOT = servedRoot(APP_DIR);
const TRAIN_ROOT = servedRoot(TRAIN_DIR);

/** The page compiles wasm (its kernels) and runs a worker; it still loads and connects only to this server. */
const PAGE_HEADERS = {
  ...SECURITY_HEADERS,
  'content-security-policy': PAGE_CSP,
};

interface RunPage {
  manifest: WebManifest;
  /** The model folder's segments under the runs folder: <run>/best or <run>/model. */
  model: string[];
}

/** The manifest and model folder of each run, computed once per checkpoint (keyed by model.json's mtime). */
export class PredictPages {
  private readonly pages = new Map<string, { key: string; page: Promise<RunPage> }>();

  constructor(private readonly runs: RunStore) {}

  /** The root of the model files: the runs folder. */
  get root() {
    return this.runs.root;
  }

  async page(run: string): Promise<RunPage> {
    const segments = await this.runs.runSegments(run);
    const folder = await modelFolder(this.runs.root, segments);
    if (!folder) throw new HttpError(404, 'this run has no trained model yet');
    // metrics.json is written when the run ends: a finished run's page then shows its validation results.
    const metricsText = await readGuardedTextIfPresent(
      this.runs.root,
      [...segments, RUN_FILES.metrics],
      READ_LIMITS.json,
    );
    const key = `${folder.name}@${folder.mtimeMs}:${metricsText ?? ''}`;
    const cached = this.pages.get(run);
    if (cached?.key === key) return cached.page;
    const page = (async () => {
      const metrics = parseMetrics(run, metricsText);
      const loaded = await loadRunModel(this.runs.root, run, segments);
      try {
        const manifest = webManifest(run, loaded, { metrics });
        return { manifest: { ...manifest, run }, model: [...segments, folder.name] };
      } finally {
        loaded.model.dispose();
      }
    })();
    page.catch(() => this.pages.delete(run));
    this.pages.set(run, { key, page });
    return page;
  }
}

/** A run's metrics.json text parsed (undefined when it has none); bad JSON is a 500 naming the run's file. */
function parseMetrics(run: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(500, `run ${run}: ${RUN_FILES.metrics}: not valid JSON`);
  }
}

export async function predictPageRoute(
  pages: PredictPages,
  res: ServerResponse,
  run: string,
  rest: string[],
): Promise<void> {
  // Relative URLs in the page need the folder form: /runs/<name>/predict/.
  if (rest.length === 0)
    return send(res, 308, 'see predict/\n', CONTENT_TYPES['.txt'], { location: 'predict/' });
  // Built on first use in a checkout; an install without the page is a 500, its reason in the log.
  await assertAppBuilt();
  if (rest.length === 1 && rest[0] === '') return sendFile(res, APP_ROOT, ['index.html'], PAGE_HEADERS);
  const isManifest = rest.length === 1 && rest[0] === MANIFEST_FILE;
  const inModel = rest[0] === MODEL_FOLDER.replace('/', '');
  // Only the manifest and the model come from the run (its model is loaded once per checkpoint, for the
  // manifest); the page's own files do not touch the run.
  if (!isManifest && !inModel) return sendFile(res, APP_ROOT, decodeSegments(rest), PAGE_HEADERS);
  const { manifest, model } = await pages.page(run);
  if (isManifest) return send(res, 200, JSON.stringify(manifest), CONTENT_TYPES['.json'], PAGE_HEADERS);
  // Under the runs folder, as every run file: a model folder linked out of it is refused, not followed.
  return sendFile(res, pages.root, [...model, ...decodeSegments(rest.slice(1))], PAGE_HEADERS);
}

/**
 * The training page at /train/ (`ct3d export-web --train`'s folder): its static files only, under the page
 * CSP. The scans dropped on it are trained on in the tab; nothing of them reaches this server.
 */
export async function trainPageRoute(res: ServerResponse, rest: string[]): Promise<void> {
  if (rest.length === 0) return send(res, 308, 'see train/\n', CONTENT_TYPES['.txt'], { location: 'train/' });
  await assertAppBuilt();
  const file = rest.length === 1 && rest[0] === '' ? ['index.html'] : decodeSegments(rest);
  return sendFile(res, TRAIN_ROOT, file, PAGE_HEADERS);
}
