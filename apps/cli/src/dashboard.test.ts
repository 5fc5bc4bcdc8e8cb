// `ct3d dashboard`'s token sources (a command line is visible to every user) and `ct3d train --dashboard`
// serving the finished run until Ctrl-C; each server is stopped the way a user stops it, with SIGINT.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ct3dNodeArgs, type Running, runNode, startCli } from './test-support.js';

const env = { ...process.env, CI: '1', CT3D_DASHBOARD_TOKEN: '' };
const ct3d = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runNode(ct3dNodeArgs(args), { ...env, ...extraEnv });

const start = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Running =>
  startCli(args, { ...env, ...extraEnv });

async function status(url: string, headers: Record<string, string> = {}): Promise<number> {
  return (await fetch(url, { headers })).status;
}

describe('ct3d dashboard token', () => {
  let dir = '';
  const token = 'file-token-0123456789abcdef';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-cli-dash-'));
    await mkdir(join(dir, 'runs', 'r'), { recursive: true });
    await writeFile(join(dir, 'runs', 'r', 'history.json'), '{"loss":[1]}');
    await writeFile(join(dir, 'token'), `${token}\n`);
    await chmod(join(dir, 'token'), 0o600);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['--token-file', (): [string[], NodeJS.ProcessEnv] => [['--token-file', join(dir, 'token')], {}]],
    ['CT3D_DASHBOARD_TOKEN', (): [string[], NodeJS.ProcessEnv] => [[], { CT3D_DASHBOARD_TOKEN: token }]],
  ])('comes from %s, without a warning, and is required by every request', async (_, given) => {
    const [flags, extraEnv] = given();
    let code: number | null = null;
    const served = start(
      ['dashboard', '--runs', join(dir, 'runs'), '--host', '127.0.0.1', ...flags],
      extraEnv,
    );
    try {
      const [, url] = await served.line(/^dashboard: (\S+) \(Ctrl-C to stop\)$/m);
      expect(url).toMatch(new RegExp(`/\\?token=${token}$`));
      const api = new URL('/api/runs', url).href;
      expect(await status(api)).toBe(401);
      expect(await status(api, { authorization: `Bearer ${token}` })).toBe(200);
    } finally {
      // Stopped as a user stops it; asserted after, so that a failure above is the one reported.
      code = await served.interrupt();
    }
    expect(code).toBe(0);
    expect(served.err()).toBe('');
  });

  it('--token works but warns in one line that the command line is visible to other users', async () => {
    let code: number | null = null;
    const served = start(['dashboard', '--runs', join(dir, 'runs'), '--token', token]);
    try {
      await served.line(/^dashboard: /m);
    } finally {
      code = await served.interrupt();
    }
    expect(code).toBe(0);
    expect(served.err()).toBe(
      'ct3d dashboard: warning: --token on the command line is visible to other users (ps) and in shell history; use CT3D_DASHBOARD_TOKEN or --token-file\n',
    );
  });

  it('refuses an empty, missing or non-regular token file, and both flags at once, in one line', async () => {
    await writeFile(join(dir, 'empty'), ' \n');
    const runs = ['dashboard', '--runs', join(dir, 'runs')];
    const cases: [string[], number, string][] = [
      [['--token-file', join(dir, 'empty')], 1, `--token-file ${join(dir, 'empty')}: the file is empty`],
      [['--token-file', join(dir, 'nope')], 1, `--token-file ${join(dir, 'nope')}: cannot read it (ENOENT)`],
      [['--token-file', dir], 1, `--token-file ${dir}: not a regular file`],
      [['--token-file', join(dir, 'token'), '--token', token], 2, 'give --token or --token-file, not both'],
    ];
    for (const [flags, code, message] of cases) {
      const r = await ct3d([...runs, ...flags]);
      expect([flags, r.code]).toEqual([flags, code]);
      expect(r.stderr.split('\n')[0]).toBe(`ct3d dashboard: ${message}`);
    }
  });

  it('warns when the token file is readable by other users', async () => {
    await writeFile(join(dir, 'open-token'), token);
    await chmod(join(dir, 'open-token'), 0o644);
    let code: number | null = null;
    const served = start(['dashboard', '--runs', join(dir, 'runs'), '--token-file', join(dir, 'open-token')]);
    try {
      await served.line(/^dashboard: /m);
    } finally {
      code = await served.interrupt();
    }
    expect(code).toBe(0);
    expect(served.err()).toBe(
      `ct3d dashboard: warning: --token-file ${join(dir, 'open-token')}: readable by other users (mode 644); chmod 600 it\n`,
    );
  });
});

describe('ct3d train --dashboard', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-cli-live-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps serving the finished run as a replay until Ctrl-C, then exits 0', async () => {
    const data = join(dir, 'data');
    const cache = join(dir, 'cache');
    expect((await ct3d(['synth', data, '--per-class', '2', '--size', '48', '--slices', '8:10'])).code).toBe(
      0,
    );
    const ingest = await ct3d(['ingest', data, '--out', cache, '--size', '24x24x16', '--workers', '1']);
    expect(ingest.code, ingest.stderr).toBe(0);
    const trainArgs = ['--cache', cache, '--run', join(dir, 'runs', 'live'), '--epochs', '2'];
    let code: number | null = null;
    const training = start([
      'train',
      ...trainArgs,
      ...['--filters', '2,2', '--backend', 'cpu', '--workers', '1', '--dashboard'],
    ]);
    try {
      const [, url] = await training.line(/^dashboard: (\S+)$/m);
      const [, again] = await training.line(
        /^training finished; dashboard still at (\S+) \(Ctrl-C to stop\)$/m,
      );
      expect(again).toBe(url);
      // Answers after the end: the whole run, up to its runEnd.
      const log = (await (await fetch(new URL('/api/runs/live/log', url))).json()) as {
        event: { type: string };
      }[];
      expect(log.at(-1)?.event.type).toBe('runEnd');
      expect(training.out()).toMatch(/best epoch \d/);
    } finally {
      code = await training.interrupt();
    }
    expect(code).toBe(0);
  });
});
