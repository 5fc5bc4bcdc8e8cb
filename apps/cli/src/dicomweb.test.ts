// `ct3d ingest --dicomweb` end to end against a real Orthanc (DICOMweb plugin, basic auth) behind a fault
// proxy: the cache equals the folder ingest of the same files (with a --transforms recipe too), a rerun
// fetches nothing, a 404 study and a series cut for good are one line each (exit 1, the rest cached; the
// next run fetches only what is missing; so does a run killed mid-fetch), a wrong password or token is one
// line; then no planted identity or credential in anything ct3d printed or wrote (cache, run folder,
// exported page).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FaultProxy,
  type OrthancServer,
  orthancAvailable,
  PLANTED_IDENTITY,
  PLANTED_PATIENT_ID,
  PLANTED_PATIENT_NAME,
  startFaultProxy,
  startOrthanc,
  type WrittenInstance,
  writePacsSeries,
} from '@ct3d/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaks, writtenTexts } from './leak-check.js';
import { type CliResult, ct3dNodeArgs, runNode } from './test-support.js';

const haveOrthanc = orthancAvailable('ct3d ingest --dicomweb against Orthanc');

interface Entry {
  id: string;
  file: string;
  label: number;
  className: string;
  shape: number[];
  seriesHash?: string;
}

const manifestOf = async (cache: string) =>
  JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8')) as {
    settingsHash: string;
    recipe?: { preprocess: { name: string }[] };
    entries: Entry[];
    failed: { path: string; reason: string }[];
  };

/** WADO-RS series retrieves (studies/{s}/series/{s}), as opposed to QIDO's listing (studies/{s}/series). */
const retrieves = (proxy: FaultProxy) =>
  proxy.requests.filter((r) => /\/studies\/[^/]+\/series\/[^/?]+/.test(r.path));

describe.runIf(haveOrthanc)('ct3d ingest --dicomweb from a real Orthanc', () => {
  let dir = '';
  let orthanc: OrthancServer;
  let proxy: FaultProxy;
  let written: WrittenInstance[];
  let studies: string[];
  let labels = '';
  const outputs: string[] = [];
  /** Credentials given to the CLI besides the Orthanc password, searched for in every output at the end. */
  const secrets: string[] = [];
  const size = '12x12x12';

  /** The CLI signed in as the Orthanc user (or with `credentials` instead). */
  const ct3d = async (args: string[], credentials?: NodeJS.ProcessEnv): Promise<CliResult> => {
    const { CT3D_DICOMWEB_USER, CT3D_DICOMWEB_PASSWORD, CT3D_DICOMWEB_TOKEN, ...rest } = process.env;
    const env = {
      ...rest,
      CI: '1',
      ...(credentials ?? {
        CT3D_DICOMWEB_USER: orthanc.user,
        CT3D_DICOMWEB_PASSWORD: orthanc.password,
      }),
    };
    const result = await runNode(ct3dNodeArgs(args), env);
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const pacsIngest = (cache: string, credentials?: NodeJS.ProcessEnv, more: string[] = []) =>
    ct3d(
      [
        'ingest',
        '--dicomweb',
        `${proxy.url}/dicom-web`,
        '--labels',
        labels,
        '--out',
        cache,
        '--size',
        size,
        '--workers',
        '1',
        ...more,
      ],
      credentials,
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-dicomweb-cli-'));
    written = await writePacsSeries(join(dir, 'series'), [
      [
        { description: 'B70f', slices: 6 },
        { description: 'B40f', slices: 5 },
      ],
      [
        { description: 'AX lung', slices: 6 },
        { description: 'AX soft', slices: 4 },
      ],
    ]);
    orthanc = await startOrthanc({ password: 'Pw-Qx9931-orthanc' });
    await orthanc.upload(written.map((w) => w.file));
    proxy = await startFaultProxy(orthanc.url);
    studies = [...new Set(written.map((w) => w.study))];
    labels = join(dir, 'labels.csv');
    await writeFile(labels, `study,class\n${studies[0]},normal\n${studies[1]},abnormal\n`);
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await orthanc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('caches what the folder ingest of the same files gives, and a rerun fetches nothing again', async () => {
    const pacs = join(dir, 'cache-pacs');
    const fetched = await pacsIngest(pacs);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fetched.stderr).toContain('ingested 4, already cached 0, failed 0');
    // The progress bar: series done of total and MB/s (one plain line every few seconds off a terminal).
    expect(fetched.stderr).toMatch(/^pacs \[[#.]{20}\] [0-4]\/4 .* [\d.]+ MB\/s$/m);
    expect(retrieves(proxy)).toHaveLength(4);

    const folder = join(dir, 'cache-folder');
    const read = await ct3d([
      'ingest',
      join(dir, 'series'),
      '--labels',
      labels,
      '--out',
      folder,
      '--size',
      size,
      '--workers',
      '1',
    ]);
    expect(read.code, read.stderr).toBe(0);

    const [fromPacs, fromFolder] = [await manifestOf(pacs), await manifestOf(folder)];
    expect(fromPacs.entries).toHaveLength(4);
    // Folder cache ids add 8 hex of the series' path to the series name (documented); the rest is equal.
    const byName = new Map(fromFolder.entries.map((e) => [e.id.replace(/-[0-9a-f]{8}$/, ''), e]));
    expect([...byName.keys()].sort()).toEqual(fromPacs.entries.map((e) => e.id).sort());
    for (const e of fromPacs.entries) {
      expect(e.id).toMatch(/^(B70f|B40f|AX_lung|AX_soft)-[0-9a-f]{12}$/);
      expect(e.seriesHash).toMatch(/^[0-9a-f]{64}$/);
      const twin = byName.get(e.id) as Entry;
      expect([e.label, e.className, e.shape]).toEqual([twin.label, twin.className, twin.shape]);
      const [a, b] = [await readFile(join(pacs, e.file)), await readFile(join(folder, twin.file))];
      expect(a.equals(b), `${e.file} differs from the folder ingest's ${twin.file}`).toBe(true);
    }
    expect(fromPacs.entries.map((e) => e.className).sort()).toEqual([
      'abnormal',
      'abnormal',
      'normal',
      'normal',
    ]);

    proxy.requests = [];
    const again = await pacsIngest(pacs);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('4 series cached by an earlier run: not fetched again');
    expect(again.stderr).toContain('ingested 0, already cached 4, failed 0');
    expect(retrieves(proxy)).toEqual([]);
    expect((await manifestOf(pacs)).entries.map((e) => e.file)).toEqual(fromPacs.entries.map((e) => e.file));
  }, 120_000);

  it('takes --transforms as the folder ingest does: same voxels, same recorded recipe, same errors', async () => {
    // A non-default recipe: reorient, a narrower window to [-1, 1], resample to 2 mm, resize; no quarter turn.
    const recipe = join(dir, 'recipe.json');
    await writeFile(
      recipe,
      JSON.stringify({
        preprocess: [
          { name: 'Orientation', axcodes: 'PIR' },
          { name: 'ScaleIntensityRange', a_min: -900, a_max: 100, b_min: -1, b_max: 1, clip: true },
          { name: 'Spacing', pixdim: [2, 2, 2] },
          { name: 'Resize' },
        ],
      }),
    );
    const pacs = join(dir, 'cache-pacs-recipe');
    const fetched = await pacsIngest(pacs, undefined, ['--transforms', recipe]);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fetched.stderr).toContain('ingested 4, already cached 0, failed 0');
    const folder = join(dir, 'cache-folder-recipe');
    const folderArgs = ['ingest', join(dir, 'series'), '--labels', labels, '--out', folder, '--size', size];
    const read = await ct3d([...folderArgs, '--workers', '1', '--transforms', recipe]);
    expect(read.code, read.stderr).toBe(0);

    const [fromPacs, fromFolder] = [await manifestOf(pacs), await manifestOf(folder)];
    expect(fromPacs.recipe).toEqual(fromFolder.recipe);
    expect(fromPacs.recipe?.preprocess.map((t) => t.name)).toEqual([
      'Orientation',
      'ScaleIntensityRange',
      'Spacing',
      'Resize',
    ]);
    expect(fromPacs.settingsHash).toBe(fromFolder.settingsHash);
    const seed = await manifestOf(join(dir, 'cache-pacs'));
    expect(fromPacs.settingsHash).not.toBe(seed.settingsHash);
    const byName = new Map(fromFolder.entries.map((e) => [e.id.replace(/-[0-9a-f]{8}$/, ''), e]));
    expect(fromPacs.entries.map((e) => e.id).sort()).toEqual([...byName.keys()].sort());
    for (const e of fromPacs.entries) {
      const twin = byName.get(e.id) as Entry;
      const [a, b] = [await readFile(join(pacs, e.file)), await readFile(join(folder, twin.file))];
      expect(a.equals(b), `${e.file} differs from the folder ingest's ${twin.file}`).toBe(true);
      // The recipe ran: the seed preset's file of the same series is different.
      expect(a.equals(await readFile(join(dir, 'cache-pacs', e.file)))).toBe(false);
    }

    // A rerun with the same recipe fetches nothing; a bad recipe is the folder ingest's one line, nothing fetched.
    proxy.requests = [];
    const again = await pacsIngest(pacs, undefined, ['--transforms', recipe]);
    expect(again.stderr).toContain('ingested 0, already cached 4, failed 0');
    const bad = join(dir, 'bad-recipe.json');
    await writeFile(bad, '{"preprocess": [{"name": "Spacing", "pixdim": [2, 2]}, {"name": "Resize"}]}');
    const refused = await pacsIngest(join(dir, 'cache-bad'), undefined, ['--transforms', bad]);
    const folderRefused = await ct3d([...folderArgs, '--transforms', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(folderRefused.stderr);
    expect(refused.stderr).toBe(
      `ct3d ingest: ${bad}: preprocess[0] Spacing: pixdim must be 3 finite numbers, got [2,2]\n`,
    );
    expect(retrieves(proxy)).toEqual([]);
  }, 120_000);

  it('names a 404 study and a series cut for good in one line each, caches the rest, exits 1', async () => {
    const b40 = written.find((w) => w.description === 'B40f') as WrittenInstance;
    proxy.requests = [];
    proxy.plan = (req) => {
      if (req.path.includes(`/studies/${studies[1]}/`)) return { status: 404 };
      if (req.path.endsWith(`/series/${b40.series}`)) return { cut: 3000 };
      return undefined;
    };
    const cache = join(dir, 'cache-faults');
    const result = await pacsIngest(cache);
    proxy.plan = () => undefined;
    expect(result.code, result.stderr).toBe(1);
    // Printed as they happen (the 404 listing comes first); each names its labels line and study hash.
    const failed = result.stderr.split('\n').filter((l) => l.startsWith('failed '));
    expect(failed).toHaveLength(2);
    expect(failed).toContainEqual(
      expect.stringMatching(
        /^failed .*labels\.csv line 2 \(study [0-9a-f]{12}\), series [0-9a-f]{12} "B40f": .*incomplete series/,
      ),
    );
    expect(failed).toContainEqual(
      expect.stringMatching(/^failed .*labels\.csv line 3 \(study [0-9a-f]{12}\): HTTP 404 /),
    );
    // The cut series was tried with retries; the 404 study (not retried) was asked once.
    expect(retrieves(proxy).filter((r) => r.path.endsWith(b40.series)).length).toBeGreaterThan(1);
    const manifest = await manifestOf(cache);
    expect(manifest.entries.map((e) => e.id)).toEqual([expect.stringMatching(/^B70f-/)]);
    expect(manifest.failed).toHaveLength(2);
    const errors = (await readFile(join(cache, 'ingest-errors.txt'), 'utf8')).split('\n');
    expect(errors[0]).toMatch(/^# ct3d ingest .*: 2 failed, 0 skipped, 0 warnings/);
    expect(errors.slice(1, 3)).toEqual(failed);
    expect(result.stderr).toContain('class 1 (abnormal) has no series in the cache');

    // Resumed once the PACS answers again: the series cached before is not fetched again.
    proxy.requests = [];
    const resumed = await pacsIngest(cache);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('ingested 3, already cached 1, failed 0');
    const b70 = written.find((w) => w.description === 'B70f') as WrittenInstance;
    expect(retrieves(proxy)).toHaveLength(3);
    expect(retrieves(proxy).filter((r) => r.path.endsWith(b70.series))).toEqual([]);
    expect((await manifestOf(cache)).failed).toEqual([]);
  }, 120_000);

  it('resumes a run killed mid-fetch without fetching its finished series again', async () => {
    const soft = written.find((w) => w.description === 'AX soft') as WrittenInstance;
    // The last series stalls (the PACS sends its head, then nothing): the run hangs there until killed.
    proxy.plan = (req) => (req.path.endsWith(`/series/${soft.series}`) ? { stall: 0 } : undefined);
    const cache = join(dir, 'cache-killed');
    const { CT3D_DICOMWEB_TOKEN, ...rest } = process.env;
    const child = spawn(
      process.execPath,
      ct3dNodeArgs([
        'ingest',
        '--dicomweb',
        `${proxy.url}/dicom-web`,
        '--labels',
        labels,
        '--out',
        cache,
        '--size',
        size,
      ]),
      {
        env: { ...rest, CT3D_DICOMWEB_USER: orthanc.user, CT3D_DICOMWEB_PASSWORD: orthanc.password },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_c, sig) => done(sig)));
    const cachedSoFar = () =>
      manifestOf(cache).then(
        (m) => m.entries.length,
        () => 0,
      );
    while ((await cachedSoFar()) < 3) {
      if (child.exitCode !== null) throw new Error(`ingest exited (${child.exitCode}) before the stall`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    proxy.plan = () => undefined;
    proxy.requests = [];
    const resumed = await pacsIngest(cache);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('ingested 1, already cached 3, failed 0');
    expect(retrieves(proxy).map((r) => r.path.split('/').pop())).toEqual([soft.series]);
    expect((await manifestOf(cache)).entries).toHaveLength(4);
  }, 120_000);

  it('stops at a refused password with one line, never printing it', async () => {
    const wrong = 'Wr0ngPassw0rd-77';
    proxy.requests = [];
    const credentials = { CT3D_DICOMWEB_USER: orthanc.user, CT3D_DICOMWEB_PASSWORD: wrong };
    const result = await pacsIngest(join(dir, 'cache-401'), credentials, ['--concurrency', '1']);
    expect(result.code).toBe(1);
    // One study asked; the other is not tried with credentials the PACS refused (they could lock the account).
    expect(proxy.requests).toHaveLength(1);
    const failed = result.stderr.split('\n').filter((l) => l.startsWith('failed '));
    expect(failed).toEqual([
      expect.stringMatching(/^failed .*labels\.csv line 2 \(study [0-9a-f]{12}\): HTTP 401 /),
      expect.stringMatching(/^failed 1 study not tried: .* refused the credentials \(HTTP 401\)$/),
    ]);
    expect(leaks([result.stdout, result.stderr], [wrong])).toEqual([]);

    // A bearer token Orthanc does not take: the same lines, the token printed nowhere either.
    const token = 'Tk-Qx5517-bearer';
    const bearer = await pacsIngest(join(dir, 'cache-401'), { CT3D_DICOMWEB_TOKEN: token });
    expect(bearer.code).toBe(1);
    expect(bearer.stderr).toMatch(/^failed .*labels\.csv line \d \(study [0-9a-f]{12}\): HTTP 401 /m);
    expect(leaks([bearer.stdout, bearer.stderr], [token])).toEqual([]);
    secrets.push(wrong, token);
  }, 60_000);

  it('writes and prints no planted identity or credential: cache, run folder, events, exported page', async () => {
    const run = join(dir, 'run');
    const train = await ct3d([
      'train',
      '--cache',
      join(dir, 'cache-pacs'),
      '--run',
      run,
      '--epochs',
      '1',
      '--filters',
      '2,2',
      '--backend',
      'cpu',
      '--workers',
      '1',
      '--batch',
      '2',
    ]);
    expect(train.code, train.stderr).toBe(0);
    const page = await ct3d(['export-web', '--run', run, '--out', join(dir, 'page')]);
    expect(page.code, page.stderr).toBe(0);

    // The PACS holds the identity (so finding none below means ct3d kept it out).
    const given = (await readFile(written[0].file)).toString('latin1');
    for (const planted of [PLANTED_PATIENT_NAME, PLANTED_PATIENT_ID]) expect(given).toContain(planted);
    const output = await writtenTexts(dir, [join(dir, 'series'), labels]);
    expect(output.files.some((f) => f.startsWith(join(dir, 'page')))).toBe(true);
    expect(output.files.some((f) => f.startsWith(run))).toBe(true);
    const basic = Buffer.from(`${orthanc.user}:${orthanc.password}`).toString('base64');
    const searched = [
      ...secrets,
      ...PLANTED_IDENTITY,
      orthanc.password,
      basic,
      // No raw UID either: ct3d writes and prints their hashes.
      ...studies,
      ...new Set(written.map((w) => w.series)),
    ];
    expect(leaks([...outputs, ...output.texts], searched)).toEqual([]);
  }, 180_000);
});
