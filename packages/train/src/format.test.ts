import { describe, expect, it } from 'vitest';
import {
  formatEpochLine,
  formatMetricValue,
  formatPrediction,
  formatStepTime,
  predictionClassNames,
} from './format.js';

describe('formatEpochLine', () => {
  it("prints the seed's verbose=2 line plus val_auc", () => {
    const line = formatEpochLine({
      epoch: 3,
      epochs: 100,
      steps: 70,
      ms: 26_120,
      msPerStep: 373.2,
      acc: 0.5643,
      loss: 0.6768,
      val_acc: 0.5,
      val_loss: 1.4767,
      val_auc: 0.5,
    });
    expect(line).toBe(
      'Epoch 3/100\n70/70 - 26s - 373ms/step - acc: 0.5643 - loss: 0.6768 - val_acc: 0.5000 - val_loss: 1.4767 - val_auc: 0.5000',
    );
  });

  it('says so when every validation scan was given one class', () => {
    const line = formatEpochLine({
      epoch: 2,
      epochs: 25,
      steps: 18,
      ms: 9_000,
      msPerStep: 480,
      acc: 0.6,
      loss: 0.61,
      val_acc: 0.5,
      val_loss: 0.9,
      val_auc: 0.61,
      val_one_class: 0,
    });
    expect(line).toBe(
      'Epoch 2/25\n18/18 - 9s - 480ms/step - acc: 0.6000 - loss: 0.6100 - val_acc: 0.5000 - val_loss: 0.9000 - ' +
        'val_auc: 0.6100 - every validation scan predicted class 0 (collapsed to one class)',
    );
  });

  it('omits validation metrics when there are none', () => {
    const line = formatEpochLine({
      epoch: 1,
      epochs: 2,
      steps: 4,
      ms: 1400,
      msPerStep: 1500,
      acc: 0.25,
      loss: 0.0001,
    });
    expect(line).toBe('Epoch 1/2\n4/4 - 1s - 2s/step - acc: 0.2500 - loss: 1.0000e-04');
  });

  it('formats values and step times like Keras', () => {
    expect(formatMetricValue(0.0005)).toBe('5.0000e-04');
    expect(formatMetricValue(0)).toBe('0.0000e+00');
    expect(formatMetricValue(12.3456789)).toBe('12.3457');
    expect(formatMetricValue(Number.NaN)).toBe('nan');
    expect(formatStepTime(0.05)).toBe('50us/step');
    expect(formatStepTime(2500)).toBe('3s/step');
  });
});

describe('formatPrediction', () => {
  it("prints the seed's two sentences", () => {
    expect(formatPrediction(0.6701)).toBe(
      'This model is 32.99 percent confident that CT scan is normal\n' +
        'This model is 67.01 percent confident that CT scan is abnormal',
    );
  });

  it('takes class names and rejects non-probabilities', () => {
    expect(formatPrediction(0, ['CT-0', 'CT-23']).split('\n')[1]).toBe(
      'This model is 0.00 percent confident that CT scan is CT-23',
    );
    expect(() => formatPrediction(1.2)).toThrow(/\[0, 1\]/);
    expect(() => formatPrediction(Number.NaN)).toThrow(/probability/);
  });
});

describe('predictionClassNames', () => {
  it("is the seed's pair for a sigmoid head, the run's names per softmax unit, else numbered classes", () => {
    expect(predictionClassNames(1, ['CT-0', 'CT-23'])).toEqual(['normal', 'abnormal']);
    expect(predictionClassNames(3, ['CT-0', 'CT-1', 'CT-2..4'])).toEqual(['CT-0', 'CT-1', 'CT-2..4']);
    expect(predictionClassNames(3, ['CT-0', 'CT-1'])).toEqual(['class 0', 'class 1', 'class 2']);
    expect(predictionClassNames(2)).toEqual(['class 0', 'class 1']);
  });
});
