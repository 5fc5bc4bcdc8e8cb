// retrieveStudies against a real Orthanc (DICOMweb plugin, basic auth) on loopback, with faults injected
// by a local proxy in front of it. Runs only where Orthanc is installed (CI requires it).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FaultProxy,
  type OrthancServer,
  orthancAvailable,
  PLANTED_PATIENT_ID,
  PLANTED_PATIENT_NAME,
  startFaultProxy,
  startOrthanc,
  type WrittenInstance,
  writePacsSeries,
} from '@ct3d/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type DicomwebEvent,
  dicomwebServer,
  doneSeriesHashes,
  formatPacsProgress,
  type RetrievedSeries,
  type RetrieveStudiesOptions,
  retrieveStudies,
  type StudyRequest,
  searchStudies,
  uidHash,
} from './index.js';

const haveOrthanc = orthancAvailable('DICOMweb tests against Orthanc');
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.runIf(haveOrthanc)('retrieveStudies from a real Orthanc', () => {
  let dir: string;
  let orthanc: OrthancServer;
  let proxy: FaultProxy;
  let written: WrittenInstance[];
  let studies: StudyRequest[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-dicomweb-'));
    written = await writePacsSeries(join(dir, 'series'), [
      [
        { description: 'B70f', slices: 3 },
        { description: 'B40f', slices: 2 },
      ],
      [{ description: 'AX lung', slices: 2 }],
    ]);
    orthanc = await startOrthanc();
    await orthanc.upload(written.map((w) => w.file));
    proxy = await startFaultProxy(orthanc.url);
    studies = [...new Set(written.map((w) => w.study))].map((studyUID, i) => ({
      studyUID,
      ref: `labels.csv line ${i + 2}`,
    }));
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await orthanc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    proxy.requests = [];
    proxy.maxOpen = 0;
    proxy.plan = () => undefined;
  });

  /** Runs a retrieve through the proxy and keeps everything it would print or hand on. */
  async function run(options: Partial<RetrieveStudiesOptions> & { password?: string } = {}) {
    const server = dicomwebServer(`${proxy.url}/dicom-web`, {
      CT3D_DICOMWEB_USER: orthanc.user,
      CT3D_DICOMWEB_PASSWORD: options.password ?? orthanc.password,
    });
    const series: RetrievedSeries[] = [];
    const events: DicomwebEvent[] = [];
    const summary = await retrieveStudies({
      server,
      studies,
      retryDelayMs: 10,
      onSeries: (s) => void series.push(s),
      onEvent: (e) => events.push(e),
      ...options,
    });
    const output = JSON.stringify({ summary, events });
    return { summary, series, events, output };
  }

  /** What no output may contain: credentials, the planted identity, raw UIDs. */
  function expectClean(output: string, password = orthanc.password) {
    for (const secret of [password, Buffer.from(`${orthanc.user}:${password}`).toString('base64')]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toContain(PLANTED_PATIENT_NAME);
    expect(output).not.toContain(PLANTED_PATIENT_ID);
    for (const w of written) {
      expect(output).not.toContain(w.study);
      expect(output).not.toContain(w.series);
    }
  }

  const wadoPaths = () => proxy.requests.filter((r) => /\/series\/[^/]+$/.test(r.path)).map((r) => r.path);

  it('lists and fetches every series of the studies, each instance byte-identical to the uploaded file', async () => {
    const { summary, series, events, output } = await run({ concurrency: 2 });
    expect(summary.failed).toEqual([]);
    expect(summary).toMatchObject({ studies: 2, series: 3, fetched: 3, skipped: 0 });
    expect(series).toHaveLength(3);
    for (const s of series) {
      const uploaded = written.filter((w) => w.series === s.seriesUID);
      expect(s.seriesHash).toBe(uidHash(s.seriesUID));
      expect(s.studyHash).toBe(uidHash(uploaded[0].study));
      expect(s.description).toBe(uploaded[0].description);
      expect(s.modality).toBe('CT');
      const expected = await Promise.all(uploaded.map(async (w) => sha(await readFile(w.file))));
      expect(s.instances.map(sha).sort()).toEqual(expected.sort());
    }
    const last = events.filter((e) => e.type === 'progress').at(-1);
    expect(last).toMatchObject({ seriesDone: 3, seriesTotal: 3 });
    const instanceBytes = series.flatMap((s) => s.instances).reduce((n, b) => n + b.byteLength, 0);
    expect(summary.bytes).toBeGreaterThanOrEqual(instanceBytes);
    expect(last?.type === 'progress' && last.mbPerSec).toBeGreaterThan(0);
    expect(last?.type === 'progress' && formatPacsProgress(last)).toMatch(
      /^pacs \[#{20}\] 3\/3 [\d.]+ series\/s ETA 0s [\d.]+ MB\/s$/,
    );
    expect(proxy.maxOpen).toBeLessThanOrEqual(2);
    expect(proxy.requests.every((r) => r.authorization?.startsWith('Basic '))).toBe(true);
    expectClean(output);
  });

  it('finds studies by a QIDO-RS filter', async () => {
    const server = dicomwebServer(orthanc.dicomweb, {
      CT3D_DICOMWEB_USER: orthanc.user,
      CT3D_DICOMWEB_PASSWORD: orthanc.password,
    });
    const all = await searchStudies(server, { StudyDate: '20200101', ModalitiesInStudy: 'CT' });
    expect(all.sort()).toEqual(studies.map((s) => s.studyUID).sort());
    expect(await searchStudies(server, { StudyDate: '19990101' })).toEqual([]);
  });

  it('keeps to the concurrency limit', async () => {
    const { summary } = await run({ concurrency: 1 });
    expect(summary.fetched).toBe(3);
    expect(proxy.maxOpen).toBe(1);
  });

  it('gives one line per study for wrong credentials (401), without retrying or printing the password', async () => {
    const { summary, series, output } = await run({ password: 'wrong-pass-7731' });
    expect(series).toEqual([]);
    expect(summary.failed).toHaveLength(2);
    for (const [i, line] of summary.failed.entries()) {
      expect(line).toMatch(new RegExp(`^labels\\.csv line ${i + 2} \\(study [0-9a-f]{12}\\): HTTP 401 `));
      expect(line).toContain('CT3D_DICOMWEB_USER');
      expect(line).not.toContain('\n');
    }
    expect(proxy.requests).toHaveLength(2);
    expectClean(output, 'wrong-pass-7731');

    // With one study at a time, the first 401 stops the run: no more wrong logins against the account.
    proxy.requests = [];
    const one = await run({ password: 'wrong-pass-7731', concurrency: 1 });
    expect(one.summary.failed).toEqual([
      expect.stringMatching(/^labels\.csv line 2 \(study [0-9a-f]{12}\): HTTP 401 /),
      `1 study not tried: ${proxy.url}/dicom-web refused the credentials (HTTP 401)`,
    ]);
    expect(proxy.requests).toHaveLength(1);

    // Credentials in the URL are used, and stripped from every message.
    const inUrl = new URL(`${proxy.url}/dicom-web`);
    inUrl.username = orthanc.user;
    inUrl.password = 'url-pass-5519';
    const fromUrl = await retrieveStudies({
      server: dicomwebServer(inUrl.toString(), {}),
      studies,
      onSeries: () => {},
    });
    expect(fromUrl.failed).toHaveLength(2);
    expect(fromUrl.failed[0]).toContain(`HTTP 401 Unauthorized from ${proxy.url}/dicom-web `);
    expectClean(JSON.stringify(fromUrl), 'url-pass-5519');
  });

  it('reports an unknown study and a 404 in one line each, and the other studies still come', async () => {
    const unknown: StudyRequest = { studyUID: '1.2.826.0.1.3680043.8.498.999', ref: 'labels.csv line 9' };
    proxy.plan = (req) => (req.path.includes(studies[0].studyUID) ? { status: 404 } : undefined);
    const { summary, series, output } = await run({ studies: [unknown, ...studies] });
    expect(summary.failed).toEqual([
      expect.stringMatching(/^labels\.csv line 9 \(study [0-9a-f]{12}\): the PACS lists no series/),
      expect.stringMatching(/^labels\.csv line 2 \(study [0-9a-f]{12}\): HTTP 404 .*not found on the PACS/),
    ]);
    expect(series.map((s) => s.description)).toEqual(['AX lung']);
    expect(proxy.requests.filter((r) => r.path.includes(studies[0].studyUID))).toHaveLength(1);
    expectClean(output.replace(unknown.studyUID, ''));
    expect(output).not.toContain(unknown.studyUID);
  });

  it('retries a 500 (listing and retrieve) and a connection cut mid-part, and gets the same bytes', async () => {
    const target = written.find((w) => w.description === 'B70f') as WrittenInstance;
    proxy.plan = (req, n) => {
      if (n > 0) return undefined;
      if (req.path.endsWith(`/series/${target.series}`)) return { cut: 900 };
      if (req.path.includes(`${studies[1].studyUID}/series?`)) return { status: 500 };
      if (req.path.includes('/series/') && !req.path.includes(target.series)) return { status: 503 };
      return undefined;
    };
    const { summary, series, events, output } = await run();
    expect(summary.failed).toEqual([]);
    expect(summary.fetched).toBe(3);
    const retries = events.flatMap((e) => (e.type === 'retry' ? [e.message] : []));
    expect(retries).toHaveLength(4);
    expect(retries.filter((m) => /HTTP 50[03]/.test(m))).toHaveLength(3);
    expect(retries.filter((m) => /incomplete series|connection/.test(m))).toHaveLength(1);
    const cut = series.find((s) => s.seriesUID === target.series) as RetrievedSeries;
    const expected = written.filter((w) => w.series === target.series);
    const hashes = await Promise.all(expected.map(async (w) => sha(await readFile(w.file))));
    expect(cut.instances.map(sha).sort()).toEqual(hashes.sort());
    expect(wadoPaths().filter((p) => p.endsWith(target.series))).toHaveLength(2);
    expectClean(output);
  });

  it('retries a chunked body cut mid-part and a body that stalls', async () => {
    const [stalled, cut] = ['B70f', 'AX lung'].map((d) => written.find((w) => w.description === d));
    proxy.plan = (req, n) => {
      if (n > 0) return undefined;
      if (req.path.endsWith(`/series/${stalled?.series}`)) return { stall: 500 };
      if (req.path.endsWith(`/series/${cut?.series}`)) return { cut: 700, chunked: true };
      return undefined;
    };
    const { summary, series, events } = await run({ idleTimeoutMs: 300 });
    expect(summary.failed).toEqual([]);
    expect(series).toHaveLength(3);
    const retries = events.flatMap((e) => (e.type === 'retry' ? [e.message] : []));
    expect(retries.sort()).toEqual([
      expect.stringMatching(/failed \(no data for 0\.3 s\)$/),
      expect.stringMatching(/failed \(other side closed, UND_ERR_SOCKET\)$/),
    ]);
  });

  it('gives up on a series that always fails with one line naming the study and series; the rest goes on', async () => {
    const target = written.find((w) => w.description === 'B40f') as WrittenInstance;
    proxy.plan = (req) => (req.path.endsWith(`/series/${target.series}`) ? { cut: 400 } : undefined);
    const { summary, series, output } = await run({ retries: 2 });
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]).toMatch(
      /^labels\.csv line 2 \(study [0-9a-f]{12}\), series [0-9a-f]{12} "B40f": .*gave up after 3 tries$/,
    );
    expect(series.map((s) => s.description).sort()).toEqual(['AX lung', 'B70f']);
    expect(wadoPaths().filter((p) => p.endsWith(target.series))).toHaveLength(3);
    expectClean(output);
  });

  it('resumes: series in the done set are listed but never fetched again', async () => {
    const first = await run();
    expect(first.summary.fetched).toBe(3);
    const done = doneSeriesHashes(first.series.slice(0, 2));
    proxy.requests = [];
    const second = await run({ skipSeries: done });
    expect(second.summary).toMatchObject({ series: 3, fetched: 1, skipped: 2 });
    expect(wadoPaths()).toEqual([expect.stringContaining(first.series[2].seriesUID)]);
    proxy.requests = [];
    const third = await run({ skipSeries: doneSeriesHashes(first.series) });
    expect(third.summary).toMatchObject({ series: 3, fetched: 0, skipped: 3 });
    expect(wadoPaths()).toEqual([]);
    expect(proxy.requests).toHaveLength(2);
  });
});
