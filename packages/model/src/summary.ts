import { ConvPool3D } from './layers/conv-pool3d.js';
import type * as tf from './tf.js';

/** Parameter counts of a model, as in the Keras summary footer. */
export interface ParamCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

/** Layer class names shown as their Keras names in the summary. */
const KERAS_TYPE_NAMES: Record<string, string> = {
  BatchNormalization3D: 'BatchNormalization',
  SeededDropout: 'Dropout',
};

const sizeOf = (w: tf.LayerVariable): number => w.shape.reduce<number>((a, b) => a * (b ?? 0), 1);
const sumSizes = (ws: tf.LayerVariable[]): number => ws.reduce((a, w) => a + sizeOf(w), 0);

/** The model's parameter counts: total, trainable and non-trainable (BatchNorm's moving statistics). */
export function countParams(model: tf.LayersModel): ParamCounts {
  const trainable = sumSizes(model.trainableWeights);
  const nonTrainable = sumSizes(model.nonTrainableWeights);
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}

/** Keras' readable_memory_size: 4 bytes per float32 parameter, 1024-based units, two decimals. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  for (const unit of units) {
    if (value / 1024 < 1) return `${value.toFixed(2)} ${unit}`;
    value /= 1024;
  }
  return `${value.toFixed(2)} PB`;
}

/** 1352897 -> '1,352,897' (no locale dependence). */
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A tfjs shape as Python prints it: (None, 126, 126, 62, 64). */
export function formatShape(shape: tf.Shape | tf.Shape[]): string {
  if (Array.isArray(shape[0])) return (shape as tf.Shape[]).map((s) => formatShape(s)).join(', ');
  const dims = (shape as tf.Shape).map((d) => (d == null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** Wraps text into lines of at most `width` characters at spaces, folding over-long words (like rich). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    while (word.length > width) {
      if (line) lines.push(line);
      line = '';
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

interface Row {
  name: string;
  shape: string;
  params: string;
}

function layerRows(model: tf.LayersModel): Row[] {
  return model.layers.flatMap((layer) => {
    // A fused layer lists the Keras layers it stands for (ConvPool3D: Conv3D, then MaxPooling3D).
    const parts =
      layer instanceof ConvPool3D
        ? layer.kerasRows()
        : [
            {
              name: layer.name,
              className: layer.getClassName(),
              outputShape: layer.outputShape,
              params: layer.countParams(),
            },
          ];
    return parts.map((p) => ({
      name: `${p.name} (${KERAS_TYPE_NAMES[p.className] ?? p.className})`,
      shape: formatShape(p.outputShape),
      params: thousands(p.params),
    }));
  });
}

/** One horizontal rule of the table from its corner/joint characters. */
function rule(widths: number[], [left, fill, joint, right]: string): string {
  return left + widths.map((w) => fill.repeat(w + 2)).join(joint) + right;
}

/**
 * The Keras 3 `model.summary()` table: box-drawing borders, "Layer (type)" wrapped at 31 characters,
 * "Output Shape", right-aligned "Param #", then total/trainable/non-trainable params with float32 sizes.
 */
export function formatSummary(model: tf.LayersModel): string {
  const rows = layerRows(model);
  // The seed's column widths; the shape and count columns grow when a value would not fit.
  const widths = [
    31,
    Math.max(25, ...rows.map((r) => r.shape.length)),
    Math.max(10, ...rows.map((r) => r.params.length)),
  ];
  const line = (cells: string[], bar: string): string =>
    bar + cells.map((c, i) => ` ${i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])} `).join(bar) + bar;
  const out = [
    `Model: "${model.name}"`,
    rule(widths, '┏━┳┓'),
    line(['Layer (type)', 'Output Shape', 'Param #'], '┃'),
  ];
  out.push(rule(widths, '┡━╇┩'));
  rows.forEach((row, i) => {
    if (i > 0) out.push(rule(widths, '├─┼┤'));
    wrapText(row.name, widths[0]).forEach((text, j) => {
      out.push(line(j === 0 ? [text, row.shape, row.params] : [text, '', ''], '│'));
    });
  });
  out.push(rule(widths, '└─┴┘'));
  const counts = countParams(model);
  out.push(` Total params: ${thousands(counts.total)} (${formatBytes(counts.total * 4)})`);
  out.push(` Trainable params: ${thousands(counts.trainable)} (${formatBytes(counts.trainable * 4)})`);
  out.push(
    ` Non-trainable params: ${thousands(counts.nonTrainable)} (${formatBytes(counts.nonTrainable * 4)})`,
  );
  return out.join('\n');
}
