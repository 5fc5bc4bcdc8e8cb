// The page's stage times, from the worker's messages and the trainer's events, as the dashboard shows them:
// how many preprocessing workers, each scan's time (in the scans list, main.ts) and the whole
// preprocessing's, then each step's data wait / compute (batchEnd's waitMs and computeMs) as a chart and a
// line of stats (the last step's and the mean so far). Also in data-* attributes, for tests and benchmarks.
import type { TrainEvent } from '@ct3d/train/browser';
import { drawTimeChart, type StepTimes } from './chart.js';

type BatchEnd = Extract<TrainEvent, { type: 'batchEnd' }>;

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

let workers = 0;
let times: StepTimes = [];

/** Empties the stage times for a new run. */
export function resetStageTimes(): void {
  workers = 0;
  times = [];
  for (const id of ['prep-info', 'step-times']) {
    $(id).textContent = '';
    for (const key of Object.keys($(id).dataset)) delete $(id).dataset[key];
  }
  const canvas = $('time-chart') as HTMLCanvasElement;
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}

/** The preprocessing pool started with `count` workers. */
export function showPool(count: number): void {
  workers = count;
  $('prep-info').textContent = `Preprocessing on ${plural(count, 'worker')}…`;
  $('prep-info').dataset.workers = String(count);
}

/** All scans preprocessed: `scans` stored, `failed` not, in `total` ms. */
export function showPreprocessed(total: number, scans: number, failed: number): void {
  const failures = failed ? `, ${failed} failed` : '';
  $('prep-info').textContent =
    `Preprocessed ${plural(scans, 'scan')} in ${ms(total)} on ${plural(workers, 'worker')}${failures}`;
  $('prep-info').dataset.ms = total.toFixed(1);
}

/** A step's times, at `x` = epoch - 1 + step / stepsPerEpoch, on a chart of `epochs` epochs. */
export function showStep(e: BatchEnd, x: number, epochs: number): void {
  times.push([x, e.waitMs, e.computeMs]);
  drawTimeChart($('time-chart') as HTMLCanvasElement, times, epochs);
  const mean = (i: 1 | 2) => times.reduce((sum, t) => sum + t[i], 0) / times.length;
  const [wait, compute] = [mean(1), mean(2)];
  $('step-times').textContent =
    `Data wait / compute: last step ${ms(e.waitMs)} / ${ms(e.computeMs)}, mean of ${plural(times.length, 'step')} ${ms(wait)} / ${ms(compute)}`;
  Object.assign($('step-times').dataset, {
    steps: String(times.length),
    waitMs: wait.toFixed(3),
    computeMs: compute.toFixed(3),
  });
}
