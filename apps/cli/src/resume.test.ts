// `ct3d train` killed with SIGKILL during epoch 2, then `ct3d train --resume`: every epoch exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ct3dNodeArgs, runNode } from './test-support.js';

// The CLI runs in the node process itself (no wrapper process), so SIGKILL hits the trainer.
const nodeArgs = ct3dNodeArgs;
const env = { ...process.env, CI: '1' };

const ct3d = (...args: string[]): Promise<CliResult> => runNode(nodeArgs(args), env);

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Resolves once `path` exists (polled), rejecting if the child exits first. */
async function waitFor(path: string, child: ChildProcess, log: () => string): Promise<void> {
  while (!(await exists(path))) {
    if (child.exitCode !== null) throw new Error(`the trainer exited (${child.exitCode}) early:\n${log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('ct3d train --resume', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-cli-resume-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('continues a run killed with SIGKILL, each epoch once; refuses conflicting flags', async () => {
    const data = join(dir, 'data');
    const cache = join(dir, 'cache');
    const runDir = join(dir, 'run');
    const synth = await ct3d('synth', data, '--per-class', '3', '--size', '48', '--slices', '8:10');
    expect(synth.code, synth.stderr).toBe(0);
    const ingest = await ct3d('ingest', data, '--out', cache, '--size', '24x24x16', '--workers', '1');
    expect(ingest.code, ingest.stderr).toBe(0);

    const trainArgs = ['--cache', cache, '--epochs', '3', '--filters', '2,2', '--backend', 'cpu'];
    const child = spawn(
      process.execPath,
      nodeArgs(['train', '--run', runDir, ...trainArgs, '--workers', '1']),
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, sig) => resolve(sig)),
    );
    // Killed once epoch 1's resume checkpoint is on disk, i.e. inside epoch 2.
    await waitFor(join(runDir, 'resume', 'epoch-0001'), child, () => out);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(out).toContain('Epoch 1/3');
    expect(out).not.toContain('Epoch 3/3');

    const conflict = await ct3d('train', '--resume', runDir, '--epochs', '5');
    expect(conflict.code).toBe(1);
    expect(conflict.stderr.trim()).toMatch(
      /--epochs 5 conflicts with the run's recorded epochs 3 .+--resume keeps/,
    );
    expect(conflict.stderr.trim().split('\n')).toHaveLength(1);

    const resumed = await ct3d('train', '--resume', runDir, '--workers', '1', '--epochs', '3');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming after epoch [12] /);
    expect(resumed.stdout).toContain('Epoch 3/3');
    expect(resumed.stdout).not.toContain('Epoch 1/3');
    const history = JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8'));
    expect(history.loss).toHaveLength(3);
    expect(history.val_loss).toHaveLength(3);
    const info = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
    expect(info.reproduce.resumes).toHaveLength(1);
    expect(info.reproduce.data.manifestHash).toMatch(/^[0-9a-f]{64}$/);
    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics.epochsRun).toBe(3);
    expect(await exists(join(runDir, 'model', 'model.json'))).toBe(true);
  }, 180_000);
});
