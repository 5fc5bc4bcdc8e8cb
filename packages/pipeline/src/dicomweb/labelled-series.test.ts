// fetchLabelledSeries against a real Orthanc: labels.csv rows -> labelled series, non-CT series ignored.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
          { description: 'KEY IMAGES', slices: 1, modality: 'OT' },
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
        /^labels\.csv line 2 \(study [0-9a-f]{12}\), series [0-9a-f]{12} "KEY IMAGES": ignored, modality OT, not CT$/,
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
  });

  it('picks series by SeriesDescription (--series) and stops fetching when the consumer stops', async () => {
    const picked = await collect(csv(), { seriesPattern: /^AX/ });
    expect(picked.got.map((s) => s.seriesDescription).sort()).toEqual(['AX bone', 'AX lung']);
    expect(picked.summary).toMatchObject({ fetched: 2, ignored: 2 });
    const early = await collect(csv(), { stopAfter: 1 });
    expect(early.got).toHaveLength(1);
    expect(early.events.filter((e) => e.type === 'seriesDone').length).toBeLessThan(3);
  });
});
