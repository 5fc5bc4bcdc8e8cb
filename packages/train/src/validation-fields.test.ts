import { describe, expect, it } from 'vitest';
import type { BinaryEvaluation } from './evaluate.js';
import { binaryMetrics } from './metrics.js';
import { validationFields } from './validation-fields.js';

function evaluation(labels: number[], probabilities: number[]): BinaryEvaluation {
  return { ...binaryMetrics(labels, probabilities, 0.5), probabilities, labels, ids: labels.map(String) };
}

describe('validationFields', () => {
  it('names the one class every validation scan was given', () => {
    expect(validationFields(evaluation([0, 1, 0, 1], [0.1, 0.4, 0.2, 0.45])).val_one_class).toBe(0);
    expect(validationFields(evaluation([0, 1, 0, 1], [0.6, 0.9, 0.7, 0.95])).val_one_class).toBe(1);
  });

  it('leaves it out when both classes are predicted', () => {
    expect(validationFields(evaluation([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.45]))).not.toHaveProperty(
      'val_one_class',
    );
  });
});
