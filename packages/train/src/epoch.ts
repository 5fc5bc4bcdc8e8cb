import { setDropoutStep, type tf } from '@ct3d/model';
import type { TrainEvent } from './events.js';
import { countCorrect } from './multiclass.js';
import { checkStepLoss } from './non-finite.js';
import { batchSample, type MontageScan } from './png/sample.js';
import type { LrSchedule } from './schedule.js';
import { type BatchLike, type ScheduledAdam, trainStep } from './step.js';

/** Batches of one epoch (1-based); called once per epoch so sources can reshuffle/augment per epoch. */
export type BatchSource = (epoch: number) => AsyncIterable<BatchLike> | Iterable<BatchLike>;

export interface Control {
  stopped: boolean;
}

export type Emit = (e: TrainEvent) => void;

export interface EpochTrainResult {
  steps: number;
  loss: number;
  acc: number;
  msPerStep: number;
  lr: number;
}

/** Resolves after pending I/O and messages have run (setImmediate in Node; a message round trip in a browser). */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });

function iteratorOf<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

export interface RunState {
  opts: {
    model: tf.LayersModel;
    train: BatchSource;
    classWeights?: number[];
  };
  /** Keeps the first training sample (the run folder's montage), or null. */
  saveSample: ((scan: MontageScan, id: string | undefined) => Promise<void>) | null;
  optimizer: ScheduledAdam;
  schedule: LrSchedule;
  threshold: number;
  epochs: number;
  iteration: number;
}

/** One training epoch: every batch of the source, one optimizer step each, a batchEnd event per step. */
export async function trainEpoch(
  st: RunState,
  epoch: number,
  emit: Emit,
  control: Control,
): Promise<EpochTrainResult> {
  const it = iteratorOf(st.opts.train(epoch));
  let steps = 0;
  let samples = 0;
  let lossSum = 0;
  let correct = 0;
  let lr = st.schedule(st.iteration);
  const tStart = performance.now();
  let tFirstStepEnd = tStart;
  let done = false;
  try {
    while (!control.stopped) {
      const t0 = performance.now();
      const next = await it.next();
      if (next.done) {
        done = true;
        break;
      }
      if (control.stopped) break;
      const batch = next.value;
      const t1 = performance.now();
      if (epoch === 1 && steps === 0 && st.saveSample)
        await st.saveSample(batchSample(batch, 0), batch.ids?.[0]);
      lr = st.schedule(st.iteration);
      st.optimizer.setLearningRate(lr);
      // Dropout masks are a function of (seed, epoch, step): reruns and resumed runs draw the same ones.
      setDropoutStep(st.opts.model, { epoch, step: steps + 1 });
      const t2 = performance.now();
      const { loss, probs } = await trainStep(st.opts.model, st.optimizer, batch, st.opts);
      checkStepLoss(loss, epoch, steps + 1, batch.ids);
      const computeMs = performance.now() - t2;
      st.iteration++;
      steps++;
      const size = batch.y.length;
      const batchCorrect = countCorrect(probs, batch.y, st.threshold);
      samples += size;
      lossSum += loss * size;
      correct += batchCorrect;
      if (steps === 1) tFirstStepEnd = performance.now();
      emit({
        type: 'batchEnd',
        epoch,
        step: steps,
        size,
        loss,
        acc: batchCorrect / size,
        ms: performance.now() - t0,
        waitMs: t1 - t0,
        computeMs,
        queueDepth: batch.queueDepth ?? 0,
        ...(batch.poolUtilization !== undefined && { poolUtilization: batch.poolUtilization }),
        lr,
      });
      await yieldToEventLoop(); // lets unsubscribe, timers and servers run between steps
    }
  } finally {
    if (!done) await it.return?.();
  }
  if (!control.stopped && steps === 0)
    throw new Error(`fit: the training source gave no batches in epoch ${epoch}`);
  const tEnd = performance.now();
  const msPerStep = steps > 1 ? (tEnd - tFirstStepEnd) / (steps - 1) : tEnd - tStart;
  return { steps, loss: lossSum / samples, acc: correct / samples, msPerStep, lr };
}
