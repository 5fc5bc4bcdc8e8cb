import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trimEventLog } from './event-log.js';
import { fromJson, newestCheckpointDir, toJson } from './resume-files.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-resume-files-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('resume checkpoint files', () => {
  it('keeps non-finite numbers through JSON (early-stopping bests start at -Infinity)', () => {
    const value = { best: -Infinity, worst: Infinity, loss: [0.5, Number.NaN], id: 'NaN', $number: 'x' };
    expect(fromJson(toJson(value))).toEqual(value);
  });

  it('picks the highest complete epoch and ignores temp folders of an interrupted write', async () => {
    const resume = join(dir, 'resume');
    expect(await newestCheckpointDir(resume)).toBeNull();
    // A kill -9 between the rename and the clean-up leaves two complete checkpoints; 10 sorts after 9.
    for (const name of ['epoch-0009', 'epoch-0010', '.tmp-epoch-0011-77-1', 'epoch-notes']) {
      await mkdir(join(resume, name), { recursive: true });
    }
    expect(await newestCheckpointDir(resume)).toBe(join(resume, 'epoch-0010'));
  });

  it('trims an event log back to a checkpoint epoch, dropping a torn last line', async () => {
    const log = join(dir, 'events.jsonl');
    const lines = [
      { type: 'runStart', epochs: 3 },
      { type: 'batchEnd', epoch: 1, step: 1 },
      { type: 'epochEnd', epoch: 1 },
      { type: 'checkpoint', epoch: 1 },
      { type: 'batchEnd', epoch: 2, step: 1 },
      { type: 'epochEnd', epoch: 2 },
    ].map((e) => JSON.stringify(e));
    await writeFile(log, `${lines.join('\n')}\n{"type":"batchEnd","epo`);
    await trimEventLog(log, 1);
    expect(await readFile(log, 'utf8')).toBe(`${lines.slice(0, 4).join('\n')}\n`);
    await trimEventLog(join(dir, 'missing.jsonl'), 1); // no log yet: nothing to do
  });
});
