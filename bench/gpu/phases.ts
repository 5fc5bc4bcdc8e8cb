// Where a training step's wall time goes on tfjs WebGPU: a hand-written step equal to trainOnBatch's
// (variableGrads of the mean binary cross-entropy, then Adam), timed per phase twice:
//  - "issue": no awaits inside the step (as trainOnBatch): CPU time to record each phase, then the loss read,
//    which waits for the GPU;
//  - "synced": a tiny awaited read after each phase, so each figure is that phase's wall time, GPU included.
// Plus per-step counts of what the backend asks of Dawn (buffers created, submits, uploads, dispatches).
import { tf } from './seed_model.js';

type LayersModel = tf.LayersModel;

type Fn = (...args: unknown[]) => unknown;
interface Counts {
  dispatches: number;
  createBuffer: number;
  createdMB: number;
  submits: number;
  writeBuffer: number;
  uploads: number;
  uploadMB: number;
  bindGroups: number;
  byProgram: Record<string, number>;
  uploadShapes: Record<string, number>;
}

const zero = (): Counts => ({
  dispatches: 0,
  createBuffer: 0,
  createdMB: 0,
  submits: 0,
  writeBuffer: 0,
  uploads: 0,
  uploadMB: 0,
  bindGroups: 0,
  byProgram: {},
  uploadShapes: {},
});
let counts = zero();

/** Wraps obj[name] on the instance so that each call also runs `count(args)`. */
function wrap(obj: Record<string, unknown>, name: string, count: (args: unknown[]) => void): void {
  const orig = obj[name] as Fn;
  obj[name] = function (this: unknown, ...args: unknown[]) {
    count(args);
    return orig.apply(this, args);
  };
}

/** Starts a fresh count; the counters must be installed. */
export function resetCounts(): void {
  counts = zero();
}

/** What was counted since the last reset. */
export function currentCounts(): Counts {
  return counts;
}

let installed = false;
/** Installs counters on the webgpu backend, its device and queue (once). */
export function installCounters(): void {
  if (installed) return;
  installed = true;
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const device = backend.device as Record<string, unknown>;
  const queue = backend.queue as Record<string, unknown>;
  const tensorMap = backend.tensorMap as {
    get(id: unknown): { values?: ArrayLike<number> | null; shape: number[] };
  };
  wrap(device, 'createBuffer', (a) => {
    counts.createBuffer++;
    counts.createdMB += (a[0] as { size: number }).size / 2 ** 20;
  });
  wrap(device, 'createBindGroup', () => counts.bindGroups++);
  wrap(queue, 'submit', () => counts.submits++);
  wrap(queue, 'writeBuffer', () => counts.writeBuffer++);
  wrap(backend, 'uploadToGPU', (a) => {
    const d = tensorMap.get(a[0]);
    if (d?.values != null) {
      counts.uploads++;
      counts.uploadMB += (d.values.length * 4) / 2 ** 20;
      const key = `[${d.shape.join(',')}]`;
      counts.uploadShapes[key] = (counts.uploadShapes[key] ?? 0) + 1;
    }
  });
  wrap(backend, 'recordAndSubmit', (a) => {
    counts.dispatches++;
    const p = a[0] as { shaderKey?: string; constructor: { name: string } };
    const name =
      p.constructor.name === 'Object'
        ? (p.shaderKey ?? '?').split('_').slice(0, 2).join('_')
        : p.constructor.name;
    counts.byProgram[name] = (counts.byProgram[name] ?? 0) + 1;
  });
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function lossOf(model: LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  // Keras' binary cross-entropy on probabilities (as tfjs-layers' 'binaryCrossentropy').
  const p = tf.clipByValue(model.apply(x, { training: true }) as tf.Tensor, 1e-7, 1 - 1e-7);
  const bce = tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
  return tf.neg(tf.mean(bce)) as tf.Scalar;
}

/** Awaits all queued GPU work: a 1-element read flushes the queue and resolves after everything before it. */
async function sync(t: tf.Tensor): Promise<void> {
  const one = tf.slice(tf.reshape(t, [-1]), 0, 1);
  await one.data();
  one.dispose();
}

/** One step, awaiting only the loss; returns the CPU ms to record each phase and the final read's wall ms. */
async function issueStep(model: LayersModel, x: tf.Tensor, y: tf.Tensor) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const t0 = performance.now();
  let tForward = 0;
  const { value, grads } = tf.variableGrads(() => {
    const l = lossOf(model, x, y);
    tForward = performance.now();
    return l;
  }, vars);
  const t1 = performance.now();
  model.optimizer.applyGradients(grads);
  const t2 = performance.now();
  const loss = (await value.data())[0];
  const t3 = performance.now();
  tf.dispose([value, ...Object.values(grads)]);
  return {
    ms: {
      forward_issue: tForward - t0,
      backward_issue: t1 - tForward,
      optimizer_issue: t2 - t1,
      read_loss_wait: t3 - t2,
      total: t3 - t0,
    },
    loss,
  };
}

/** One step with an awaited read after each phase: each figure is that phase's wall time, GPU included. */
async function syncedStep(model: LayersModel, x: tf.Tensor, y: tf.Tensor) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const t0 = performance.now();
  const fwd = tf.tidy(() => lossOf(model, x, y));
  await sync(fwd);
  const t1 = performance.now();
  const { value, grads } = tf.variableGrads(() => lossOf(model, x, y), vars);
  await sync(grads[vars[0].name]);
  const t2 = performance.now();
  model.optimizer.applyGradients(grads);
  await sync(vars[vars.length - 1]);
  const t3 = performance.now();
  await value.data();
  const t4 = performance.now();
  tf.dispose([fwd, value, ...Object.values(grads)]);
  return {
    forward: t1 - t0,
    forward_backward: t2 - t1,
    optimizer: t3 - t2,
    read_loss: t4 - t3,
    total: t4 - t0,
  };
}

/** Runs warm-up, then `steps` issue-mode and synced steps and one trainOnBatch; prints one JSON line. */
export async function phaseBreakdown(
  model: LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  steps: number,
  info: Record<string, unknown>,
): Promise<void> {
  installCounters();
  await model.trainOnBatch(x, y);
  await issueStep(model, x, y); // warm-up of the hand-written step (its own shader keys, buffer sizes)
  const issue: Record<string, number>[] = [];
  let stepCounts = zero();
  let loss = Number.NaN;
  for (let i = 0; i < steps; i++) {
    counts = zero();
    const r = await issueStep(model, x, y);
    stepCounts = counts;
    counts = zero();
    issue.push(r.ms);
    loss = r.loss;
  }
  const synced: Record<string, number>[] = [];
  for (let i = 0; i < steps; i++) synced.push(await syncedStep(model, x, y));
  const t = performance.now();
  await model.trainOnBatch(x, y);
  const trainOnBatchMs = performance.now() - t;
  const med = (rows: Record<string, number>[]) =>
    Object.fromEntries(
      Object.keys(rows[0]).map((k) => {
        const xs = rows.map((r) => r[k]).sort((a, b) => a - b);
        return [k, round(xs[Math.floor(xs.length / 2)])];
      }),
    );
  const top = Object.entries(stepCounts.byProgram)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);
  console.log(
    JSON.stringify({
      peer: 'tfjs-webgpu-phases',
      ...info,
      steps,
      loss: round(loss, 4),
      issue_ms: med(issue),
      synced_ms: med(synced),
      train_on_batch_ms: round(trainOnBatchMs),
      per_step: {
        ...stepCounts,
        createdMB: round(stepCounts.createdMB),
        uploadMB: round(stepCounts.uploadMB, 3),
        byProgram: Object.fromEntries(top),
        uploadShapes: Object.fromEntries(
          Object.entries(stepCounts.uploadShapes)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 12),
        ),
      },
      gpu_mb_allocated: round(
        ((tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0) / 2 ** 20,
      ),
      flags: {
        WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'),
        WEBGPU_CPU_FORWARD: tf.env().get('WEBGPU_CPU_FORWARD'),
      },
    }),
  );
}
