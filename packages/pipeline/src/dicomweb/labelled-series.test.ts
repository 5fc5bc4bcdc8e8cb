// fetchLabelledSeries against a real Orthanc: labels.csv rows -> labelled series, non-CT series ignored.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  type OrthancServer,
  orthancAvailable,
  PLANTED_PATIENT_ID,
  PLANTED_PATIENT_NAME,
  startOrthanc,
  type WrittenInstance,
  writePacsSeries,
} from '@ct3d/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DicomwebEvent,
  dicomwebServer,
  fetchLabelledSeries,
  type LabelledSeries,
  parseStudyLabels,
  uidHash,
} from './index.js';

const haveOrthanc = orthancAvailable('fetchLabelledSeries against Orthanc');

describe.runIf(haveOrthanc)('fetchLabelledSeries from a real Orthanc', () => {
  let dir: string;
  let orthanc: OrthancServer;
  let written: WrittenInstance[];
  let study: (description: string) => string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-labelled-'));
    written = await writePacsSeries(
      dir,
      [
        [
          { description: 'B70f', slices: 3 },
          // Staff typed the patient's name into this description: the PACS lists it, ct3d never shows it.
          { description: 'KEY IMAGES Zztestpatient', slices: 1, modality: 'OT' },
        ],
        [
          { description: 'AX lung', slices: 2 },
          { description: 'AX bone', slices: 2 },
        ],
      ],
      'labelled',
    );
    orthanc = await startOrthanc();
    await orthanc.upload(written.map((w) => w.file));
    study = (d) => (written.find((w) => w.description === d) as WrittenInstance).study;
  }, 60_000);

  afterAll(async () => {
    await orthanc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function collect(csv: string, options: { seriesPattern?: RegExp; stopAfter?: number } = {}) {
    const labels = parseStudyLabels(csv, 'labels.csv');
    const events: DicomwebEvent[] = [];
    const got: LabelledSeries[] = [];
    const iterator = fetchLabelledSeries({
      server: dicomwebServer(orthanc.dicomweb, {
        CT3D_DICOMWEB_USER: orthanc.user,
        CT3D_DICOMWEB_PASSWORD: orthanc.password,
      }),
      labels: labels.rows,
      labelsFile: 'labels.csv',
      seriesPattern: options.seriesPattern,
      onEvent: (e) => events.push(e),
    });
    let next = await iterator.next();
    while (!next.done) {
      got.push(next.value);
      if (got.length === options.stopAfter) {
        await iterator.return(undefined as never);
        return { labels, events, got, summary: undefined };
      }
      next = await iterator.next();
    }
    return { labels, events, got, summary: next.value };
  }

  const csv = () => `study,class\n${study('B70f')},abnormal\n${study('AX lung')},normal\n`;

  it('yields each CT series of the labelled studies with its label; other modalities get a line', async () => {
    const { got, events, summary } = await collect(csv());
    const rows = got
      .map((s) => ({
        label: s.label,
        className: s.className,
        ref: s.ref,
        d: s.seriesDescription,
        n: s.instances.length,
      }))
      .sort((a, b) => a.d.localeCompare(b.d));
    expect(rows).toEqual([
      { label: 1, className: 'normal', ref: 'labels.csv line 3', d: 'AX bone', n: 2 },
      { label: 1, className: 'normal', ref: 'labels.csv line 3', d: 'AX lung', n: 2 },
      { label: 0, className: 'abnormal', ref: 'labels.csv line 2', d: 'B70f', n: 3 },
    ]);
    for (const s of got) {
      const w = written.find((x) => x.description === s.seriesDescription) as WrittenInstance;
      expect([s.studyHash, s.seriesHash]).toEqual([uidHash(w.study), uidHash(w.series)]);
    }
    expect(summary).toMatchObject({ studies: 2, series: 3, fetched: 3, ignored: 1, failed: [] });
    const ignored = events.flatMap((e) => (e.type === 'ignored' ? [e.message] : []));
    expect(ignored).toEqual([
      expect.stringMatching(
        /^labels\.csv line 2 \(study [0-9a-f]{12}\), series [0-9a-f]{12} "": ignored, modality OT, not CT$/,
      ),
    ]);
    const printed = JSON.stringify({ events, summary, got: got.map(({ instances, ...rest }) => rest) });
    for (const secret of [
      PLANTED_PATIENT_NAME,
      PLANTED_PATIENT_ID,
      orthanc.password,
      ...written.map((w) => w.study),
    ]) {
      expect(printed).not.toContain(secret);
    }
    expect(printed.toLowerCase()).not.toContain('zztestpatient');
  });

  it('picks series by SeriesDescription (--series) and stops fetching when the consumer stops', async () => {
    const picked = await collect(csv(), { seriesPattern: /^AX/ });
    expect(picked.got.map((s) => s.seriesDescription).sort()).toEqual(['AX bone', 'AX lung']);
    expect(picked.summary).toMatchObject({ fetched: 2, ignored: 2 });
    const early = await collect(csv(), { stopAfter: 1 });
    expect(early.got).toHaveLength(1);
    expect(early.events.filter((e) => e.type === 'seriesDone').length).toBeLessThan(3);
  });

  it('runs the docs example as written', async () => {
    const pkg = fileURLToPath(new URL('../..', import.meta.url));
    const readme = await readFile(join(pkg, '..', '..', 'docs', 'pipeline.md'), 'utf8');
    const after = readme.split(
      '<!-- example: runs against Orthanc in src/dicomweb/labelled-series.test.ts -->',
    )[1];
    const code = /^\s*```js\n([\s\S]*?)\n```/.exec(after ?? '')?.[1];
    expect(code).toBeDefined();
    const work = join(dir, 'readme');
    await mkdir(join(work, 'node_modules', '@ct3d'), { recursive: true });
    await symlink(pkg, join(work, 'node_modules', '@ct3d', 'pipeline'), 'dir');
    await writeFile(join(work, 'example.mjs'), code as string);
    await writeFile(join(work, 'labels.csv'), `${csv()}not-a-uid,normal\n`);
    const tsx = join(dirname(createRequire(import.meta.url).resolve('tsx/cli')), 'loader.mjs');
    const env = {
      ...process.env,
      PACS_URL: orthanc.dicomweb,
      CT3D_DICOMWEB_USER: orthanc.user,
      CT3D_DICOMWEB_PASSWORD: orthanc.password,
    };
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', pathToFileURL(tsx).href, 'example.mjs'],
      { cwd: work, env },
    );
    expect(stdout.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^abnormal: B70f, 3 files \([0-9a-f]{12}\)$/),
      expect.stringMatching(/^normal: AX bone, 2 files \([0-9a-f]{12}\)$/),
      expect.stringMatching(/^normal: AX lung, 2 files \([0-9a-f]{12}\)$/),
    ]);
    expect(stderr).toContain('labels.csv line 4: the first column is not a StudyInstanceUID');
    expect(stderr).toMatch(/series [0-9a-f]{12} "": ignored, modality OT, not CT/);
    expect(stderr).toMatch(/pacs \[#{20}\] 3\/3 [\d.]+ series\/s ETA 0s [\d.]+ MB\/s/);
    for (const secret of [
      orthanc.password,
      PLANTED_PATIENT_NAME,
      PLANTED_PATIENT_ID,
      ...written.map((w) => w.study),
    ]) {
      expect(stdout + stderr).not.toContain(secret);
    }
  });
});
