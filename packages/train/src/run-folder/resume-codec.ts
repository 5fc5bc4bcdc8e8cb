// A resume checkpoint's contents as bytes and text, browser-safe: the JSON that keeps ±Infinity and NaN, and
// float32 tensors as one buffer. resume-files.ts writes them into a run folder; the training page into its
// private files.
import type { tf } from '@ct3d/model';
import { parseJsonOf } from '../json-text.js';

/** A tensor's name and shape, as a checkpoint records it beside its bytes. */
export interface TensorSpec {
  /** The weight's (or Adam moment's) name. */
  name: string;
  /** Its shape. */
  shape: number[];
}

/** JSON that keeps Infinity, -Infinity and NaN (early-stopping bests start at ±Infinity). */
export function toJson(value: unknown): string {
  const encode = (_key: string, v: unknown): unknown =>
    typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v;
  return `${JSON.stringify(value, encode, 2)}\n`;
}

/** Parses toJson's text (its error names `file`). */
export function fromJson(text: string, file = '<json>'): unknown {
  return parseJsonOf(text, file, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const n = (v as { $number?: unknown }).$number;
      if (keys.length === 1 && typeof n === 'string') return Number(n);
    }
    return v;
  });
}

/** float32 tensors as one byte buffer plus their specs (order kept). */
export async function encodeTensors(
  named: { name: string; tensor: tf.Tensor }[],
): Promise<{ specs: TensorSpec[]; bytes: Uint8Array }> {
  const datas = await Promise.all(named.map((n) => n.tensor.data<'float32'>()));
  const total = datas.reduce((s, d) => s + d.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const d of datas) {
    all.set(d, at);
    at += d.length;
  }
  const specs = named.map((n) => ({ name: n.name, shape: [...n.tensor.shape] }));
  return { specs, bytes: new Uint8Array(all.buffer) };
}

/** The float32 arrays of `specs`, in order, from a buffer written by encodeTensors or saveModel. */
export function decodeFloat32(bytes: Uint8Array, specs: TensorSpec[], file: string): Float32Array[] {
  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const expected = sizes.reduce((a, b) => a + b, 0) * 4;
  if (bytes.byteLength !== expected)
    throw new Error(`${file}: ${bytes.byteLength} bytes, expected ${expected}`);
  const copy = new Float32Array(bytes.slice().buffer);
  let at = 0;
  return sizes.map((n) => {
    const part = copy.subarray(at, at + n);
    at += n;
    return part;
  });
}

/** A saved model's weights (model.json's manifest over its weights.bin), in model.weights order. */
export function modelWeightsOf(
  json: tf.io.ModelJSON,
  weights: Uint8Array,
  files: { json: string; weights: string },
): { specs: TensorSpec[]; values: Float32Array[] } {
  const entries = json.weightsManifest.flatMap((g) => g.weights);
  for (const e of entries) {
    if (e.dtype !== 'float32' || e.quantization)
      throw new Error(`${files.json}: weight ${e.name} is not float32`);
  }
  const specs = entries.map((e) => ({ name: e.name, shape: e.shape }));
  return { specs, values: decodeFloat32(weights, specs, files.weights) };
}
