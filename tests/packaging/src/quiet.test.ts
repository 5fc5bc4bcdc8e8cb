// No tfjs banner on any path: tfjs-backend-cpu's "Hi, looks like you are running TensorFlow.js in Node.js"
// greets every Node process that makes a tensor on cpu without initBackend. @ct3d/model silences it where
// tfjs is loaded (src/quiet-cpu.ts); here each Node path that loads tfjs runs from the tarballs and its
// stderr is checked.
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runJson, runNode } from './run-node.js';

const { dir } = inject('consumer');
const BANNER = /looks like you are running TensorFlow\.js/;
const BIN = join('node_modules', '@ct3d', 'cli', 'dist', 'main.js');

describe('no tfjs banner', () => {
  it('a tensor made through @ct3d/model without initBackend', async () => {
    const script = "import { tf } from '@ct3d/model'; console.log(tf.tensor([1, 2]).dataSync().join());";
    const r = await runNode(dir, ['--input-type=module', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('1,2');
    expect(r.stderr).toBe('');
  });

  it('exportWebApp and predictScanFile (the web example), then `ct3d export-web` of the same run', async () => {
    await runJson(dir, ['make-scan.mjs', 'quiet-scan.nii.gz']);
    const example = await runNode(dir, ['export-web.mjs', 'quiet-run', 'quiet-site', 'quiet-scan.nii.gz']);
    expect(example.code, example.stderr).toBe(0);
    expect(example.stderr).not.toMatch(BANNER);
    expect(example.stderr).toBe('');
    const cli = await runNode(dir, [BIN, 'export-web', '--run', 'quiet-run', '--out', 'quiet-site-cli']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^Exported run quiet-run /);
    expect(cli.stderr).toBe('');
  });

  it("the dashboard serving a run's page and manifest (the model loaded with tfjs)", async () => {
    const r = await runNode(dir, ['dashboard-predict.mjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ statuses: [200, 200] });
    expect(r.stderr).toBe('');
  });
});
