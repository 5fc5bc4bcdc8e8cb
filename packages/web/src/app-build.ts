// The page in dist/app ships in the @ct3d/web tarball. A checkout has it only after `pnpm build`, so the first
// export-web or dashboard page there builds it from src/page/ with the package's own build script (esbuild
// and tsx are the checkout's dev dependencies); an installed package without it is broken and says so.
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { printable } from '@ct3d/core';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Runs `node --import tsx <script> <appDir> --keep-existing` in the script's package; rejects with its last line. */
function runBuild(buildScript: string, appDir: string): Promise<void> {
  const args = ['--import', 'tsx', buildScript, appDir, '--keep-existing'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: join(buildScript, '..', '..') }, (err, _out, stderr) => {
      const last = stderr.trim().split('\n').filter(Boolean).pop();
      if (err) reject(new Error(`${buildScript}: the page build failed (${last ?? err.message})`));
      else resolve();
    });
  });
}

/** Builds in flight in this process, by folder: concurrent requests for the page wait for the one build. */
const building = new Map<string, Promise<void>>();

/**
 * Makes sure `appDir` holds the built page (its worker.js): where `buildScript` exists (a checkout), a missing
 * page is built first, with one line on stderr; elsewhere a missing page throws, naming the folder.
 */
export function ensureAppBuilt(appDir: string, buildScript: string): Promise<void> {
  let pending = building.get(appDir);
  if (!pending) {
    pending = buildIfMissing(appDir, buildScript).finally(() => building.delete(appDir));
    building.set(appDir, pending);
  }
  return pending;
}

async function buildIfMissing(appDir: string, buildScript: string): Promise<void> {
  const worker = join(appDir, 'worker.js');
  // The dashboard's viewer module is built beside the page, by the same script.
  const viewer = join(appDir, '..', 'viewer', 'volume-view.js');
  // And the training page, also beside it.
  const train = join(appDir, '..', 'train', 'worker.js');
  const pool = join(appDir, '..', 'train', 'preprocess-worker.js');
  // The wasm kernels' second thread, beside each worker (a page built before it had none).
  const helpers = [appDir, join(appDir, '..', 'train')].map((dir) => join(dir, 'conv-worker-browser.js'));
  const built = [worker, viewer, train, pool, ...helpers];
  if ((await Promise.all(built.map(exists))).every(Boolean)) return;
  if (!(await exists(buildScript))) {
    throw new Error(`${appDir}: the web page is missing from this @ct3d/web install (reinstall the package)`);
  }
  console.error(`ct3d: building the web page into ${printable(appDir)} (first use in this checkout)`);
  await runBuild(buildScript, appDir);
  for (const file of built)
    if (!(await exists(file))) throw new Error(`${file}: not written by the page build`);
}
