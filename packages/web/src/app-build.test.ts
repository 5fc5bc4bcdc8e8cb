// The page on first use in a checkout: a folder without dist/app is built from src/page/ by the package's own
// build script (as `ct3d export-web` after a fresh `pnpm install` does), once for concurrent callers; an
// install without the page or the script says which folder is missing.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureAppBuilt } from './app-build.js';

const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build-app.ts', import.meta.url));
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-web-app-build-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('ensureAppBuilt', () => {
  it('builds a missing page once for concurrent callers, then leaves it as it is', async () => {
    const appDir = join(root, 'app');
    const lines = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await Promise.all([ensureAppBuilt(appDir, BUILD_SCRIPT), ensureAppBuilt(appDir, BUILD_SCRIPT)]);
      expect(lines.mock.calls.map((c) => String(c[0]))).toEqual([
        `ct3d: building the web page into ${appDir} (first use in this checkout)`,
      ]);
    } finally {
      lines.mockRestore();
    }
    expect((await readdir(appDir)).sort()).toEqual(
      expect.arrayContaining(['app.js', 'index.html', 'style.css', 'wasm', 'worker.js']),
    );
    expect(await readdir(join(appDir, 'wasm'))).toEqual(
      expect.arrayContaining(['tfjs-backend-wasm-simd.wasm', 'winograd.wasm']),
    );
    // The dashboard's viewer module, built beside the page by the same script.
    expect(await readdir(join(root, 'viewer'))).toContain('volume-view.js');
    // And the training page, with the preprocessing workers' script its worker starts.
    expect(await readdir(join(root, 'train'))).toEqual(
      expect.arrayContaining(['app.js', 'worker.js', 'preprocess-worker.js', 'index.html']),
    );
    expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const built = (await stat(join(appDir, 'worker.js'))).mtimeMs;
    await ensureAppBuilt(appDir, BUILD_SCRIPT);
    expect((await stat(join(appDir, 'worker.js'))).mtimeMs).toBe(built);
  });

  it('an install without the page (no build script) names the missing folder', async () => {
    const appDir = join(root, 'no-app');
    await expect(ensureAppBuilt(appDir, join(root, 'scripts', 'build-app.ts'))).rejects.toThrow(
      `${appDir}: the web page is missing from this @ct3d/web install (reinstall the package)`,
    );
  });
});
