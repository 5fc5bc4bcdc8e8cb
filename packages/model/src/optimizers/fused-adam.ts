// AdamOptimizer whose step runs the adamUpdate op (ops/adam-update.ts) where the backend has its kernel
// (webgpu: one WGSL dispatch per output and variable, no scalar uploads), and tfjs's own Adam elsewhere.
// Keras-compatible like tf.AdamOptimizer: `learningRate` may be set before any step (schedules), and
// getWeights/setWeights save and restore the same iteration count and moments; snapshot()/restore() add
// tfjs's beta^t, so that a resumed run steps bit for bit as an uninterrupted one.
import { ADAM_UPDATE, type AdamOutput, adamUpdate } from '../ops/adam-update.js';
import { activeKernel } from '../ops/dispatch.js';
import * as tf from '../tf.js';

type Grads = Parameters<tf.AdamOptimizer['applyGradients']>[0];
/** { name, tensor }: one entry of getWeights()/setWeights(). */
type NamedTensor = Parameters<tf.AdamOptimizer['setWeights']>[0][number];
type Moment = { originalName: string; variable: tf.Variable };

/** The private state of tfjs-core 4.22's AdamOptimizer that the fused step shares with it. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
}

/** Adam's whole state: what getWeights() gives (iterations, then every m, then every v) and beta^t. */
export interface AdamSnapshot {
  /** 'iter' (an int32 scalar) then the moments, in getWeights() order. */
  weights: NamedTensor[];
  /** beta1^t and beta2^t as the optimizer held them; null where fused steps left them stale. */
  accBeta1: number | null;
  accBeta2: number | null;
}

/**
 * tfjs Adam whose step is one fused `adamUpdate` op where the backend has that kernel (webgpu), tfjs's own
 * step elsewhere; saved configs load as plain Adam.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  static override get className(): string {
    // Saved configs load as plain Adam (same state and config).
    return 'Adam';
  }

  /** accBeta1/2 (tfjs's bias-correction variables) lag behind after fused steps until resynced. */
  private accStale = false;

  constructor(learningRate: number, beta1: number, beta2: number, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** One Adam step over these gradients (fused where the backend has the kernel). */
  override applyGradients(variableGradients: Grads): void {
    if (activeKernel(ADAM_UPDATE) === undefined) {
      this.syncAccBeta();
      super.applyGradients(variableGradients);
      return;
    }
    this.fusedStep(variableGradients);
  }

  /** Restores the iteration count and moments as tfjs Adam does (beta^t is derived from them again). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await super.setWeights(weightValues);
    this.accStale = false;
  }

  /**
   * The state to save: `weights` holds a fresh 'iter' scalar (dispose it) and the optimizer's own moment
   * variables (do not dispose them).
   */
  async snapshot(): Promise<AdamSnapshot> {
    const weights = await this.getWeights();
    const read = async (v: tf.Variable) => (this.accStale ? null : (await v.data())[0]);
    return { weights, accBeta1: await read(this.state.accBeta1), accBeta2: await read(this.state.accBeta2) };
  }

  /**
   * Restores a snapshot: setWeights derives beta^t with pow, while a trainer's values come from repeated
   * float32 products; the saved ones are kept when plausible (within 1e-4 of pow), pow's otherwise.
   */
  async restore(saved: AdamSnapshot): Promise<void> {
    await this.setWeights(saved.weights);
    const t = this.iterations + 1;
    for (const [v, value, beta] of [
      [this.state.accBeta1, saved.accBeta1, this.beta1],
      [this.state.accBeta2, saved.accBeta2, this.beta2],
    ] as const) {
      if (value !== null && Math.abs(value - beta ** t) <= 1e-4 * beta ** t) {
        tf.tidy(() => v.assign(tf.scalar(value)));
      }
    }
  }

  private get state(): AdamState {
    return this as unknown as AdamState;
  }

  private syncAccBeta(): void {
    if (!this.accStale) return;
    const t = this.iterations + 1;
    tf.tidy(() => {
      this.state.accBeta1.assign(tf.scalar(this.beta1 ** t));
      this.state.accBeta2.assign(tf.scalar(this.beta2 ** t));
    });
    this.accStale = false;
  }

  private fusedStep(variableGradients: Grads): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    // Bias corrections from the iteration count (tfjs keeps beta^t in variables; setWeights derives them the same way).
    const t = this.iterations + 1;
    const scalars = {
      lr: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      oneMinusAcc1: 1 - this.beta1 ** t,
      oneMinusAcc2: 1 - this.beta2 ** t,
    };
    const { accumulatedFirstMoment: ms, accumulatedSecondMoment: vs } = this.state;
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        ms[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        vs[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const g = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (g == null) return;
        const m = ms[i].variable;
        const v = vs[i].variable;
        // All three read the old m and v, so compute them before any assign.
        const out = (o: AdamOutput) => adamUpdate(value, m, v, g, scalars, o);
        const [m1, v1, w1] = [out('m'), out('v'), out('w')];
        m.assign(m1);
        v.assign(v1);
        value.assign(w1);
      });
    });
    this.accStale = true;
    this.incrementIterations();
  }
}
