import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foldStatistics, formatFoldSummary, meanStd, summarizeFolds } from './folds.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-folds-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('fold summary', () => {
  it('takes the mean and the sample standard deviation', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(meanStd([0.7])).toEqual({ mean: 0.7, std: 0 });
    const s = foldStatistics([
      { fold: 1, runDir: 'a', bestEpoch: 1, metrics: { val_acc: 0.5, val_auc: 0.6 } },
      { fold: 2, runDir: 'b', bestEpoch: 3, metrics: { val_acc: 0.75 } },
    ]);
    expect(s.mean).toEqual({ val_acc: 0.625, val_auc: 0.6 });
    expect(s.std.val_acc).toBeCloseTo(Math.sqrt(2 * 0.125 ** 2), 12);
  });

  it("writes folds.json from each fold's best-epoch validation metrics and names missing folds", async () => {
    const run = join(dir, 'cv');
    const best = [
      { val_acc: 0.75, val_loss: 0.5, val_auc: 0.8, acc: 0.9 },
      { val_acc: 0.5, val_loss: 0.7, val_auc: 0.6, acc: 0.8 },
    ];
    for (const [i, b] of best.entries()) {
      await mkdir(join(run, `fold-${i + 1}`), { recursive: true });
      await writeFile(
        join(run, `fold-${i + 1}`, 'metrics.json'),
        JSON.stringify({ bestEpoch: i + 2, best: b }),
      );
    }
    const summary = await summarizeFolds(run, 3);
    expect(summary.missing).toEqual([3]);
    expect(summary.results.map((r) => [r.fold, r.bestEpoch])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(summary.mean).toEqual({ val_acc: 0.625, val_auc: 0.7, val_loss: 0.6 });
    expect(summary.std.val_auc).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(JSON.parse(await readFile(join(run, 'folds.json'), 'utf8'))).toEqual(summary);
    expect(formatFoldSummary(summary)).toContain('val_acc: 0.6250 +- 0.1768 (folds: 0.7500, 0.5000)');
  });
});
