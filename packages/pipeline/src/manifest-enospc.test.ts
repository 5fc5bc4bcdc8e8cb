import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

// The disk fills up under the manifest write: the atomic write fails the way writeFile does on ENOSPC.
vi.mock('@ct3d/core/node', async (original) => ({
  ...(await original<typeof import('@ct3d/core/node')>()),
  writeFileAtomic: vi.fn(async () => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }),
}));

const { ManifestStore } = await import('./manifest-store.js');

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

it('ENOSPC while writing the manifest names the manifest, and says the previous one is kept', async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct3d-enospc-'));
  const store = new ManifestStore(dir, [8, 8, 4], ['/data/a.nii']);
  store.recordFailure('/data/a.nii', 'bad');
  await expect(store.flush()).rejects.toThrow(
    `${join(dir, 'manifest.json')}: cannot write the cache manifest (ENOSPC: disk full); the previous one is kept`,
  );
  await expect(readFile(join(dir, 'manifest.json'))).rejects.toThrow(/ENOENT/);
});
