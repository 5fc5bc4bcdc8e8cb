// AdamOptimizer whose step runs as fused WGSL dispatches on WebGPU (adam.ts) and as tfjs's own Adam elsewhere.
// Keras-compatible like tf.AdamOptimizer: `learningRate` may be set before any step (schedules), and
// getWeights/setWeights save and restore the same iteration count and moments.
import * as tf from '@tensorflow/tfjs-core';
import { type AdamOutput, adamUpdate } from './adam.js';

type Grads = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type Weights = Parameters<tf.AdamOptimizer['setWeights']>[0];
type Moment = { originalName: string; variable: tf.Variable };

/** The private state of tfjs-core 4.22's AdamOptimizer that the fused step shares with it. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
}

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

  override applyGradients(variableGradients: Grads): void {
    if (tf.getBackend() !== 'webgpu') {
      this.syncAccBeta();
      super.applyGradients(variableGradients);
      return;
    }
    this.fusedStep(variableGradients);
  }

  override async setWeights(weightValues: Weights): Promise<void> {
    await super.setWeights(weightValues);
    this.accStale = false;
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
