// The live loss / accuracy chart: one canvas, training and validation per epoch, and each step's training
// loss faintly behind (from the trainer's batchEnd events), so a run shows progress within its first epoch.

export interface ChartSeries {
  /** Per step: [epoch + step / stepsPerEpoch, loss]. */
  steps: [number, number][];
  /** Per epoch (key = history key: loss, acc, val_loss, val_acc). */
  epochs: Record<string, number[]>;
}

const COLORS: Record<string, string> = {
  loss: '#1f77b4',
  val_loss: '#ff7f0e',
  acc: '#2ca02c',
  val_acc: '#d62728',
};

/** Draws the series on `canvas`: loss (left half) and accuracy (right half), x = epochs. */
export function drawChart(canvas: HTMLCanvasElement, s: ChartSeries, epochs: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const panels = [
    { keys: ['loss', 'val_loss'], x0: 0, title: 'Loss' },
    { keys: ['acc', 'val_acc'], x0: width / 2, title: 'Accuracy' },
  ];
  for (const panel of panels) {
    const w = width / 2 - 40;
    const h = height - 50;
    const left = panel.x0 + 30;
    const top = 20;
    const values = panel.keys.flatMap((k) => s.epochs[k] ?? []);
    if (panel.title === 'Loss') values.push(...s.steps.map(([, v]) => v));
    // Accuracy on [0, 1]; loss on its own range (losses near ln 2 would otherwise be one flat line).
    const finite = values.filter(Number.isFinite);
    const [min, max] =
      panel.title === 'Accuracy' || finite.length === 0
        ? [0, 1]
        : widen(Math.min(...finite), Math.max(...finite));
    const x = (e: number) => left + (w * e) / Math.max(1, epochs);
    const y = (v: number) => top + h - (h * (Math.min(Math.max(v, min), max) - min)) / (max - min);
    ctx.strokeStyle = '#888';
    ctx.strokeRect(left, top, w, h);
    ctx.fillStyle = '#333';
    ctx.font = '12px sans-serif';
    ctx.fillText(
      `${panel.title} (${min.toPrecision(3)} to ${max.toPrecision(3)}), epochs 0 to ${epochs}`,
      left,
      top - 6,
    );
    if (panel.title === 'Loss') {
      ctx.fillStyle = 'rgba(31, 119, 180, 0.3)';
      for (const [e, v] of s.steps) ctx.fillRect(x(e) - 1, y(v) - 1, 2, 2);
    }
    for (const [i, key] of panel.keys.entries()) {
      const series = s.epochs[key] ?? [];
      ctx.strokeStyle = COLORS[key];
      ctx.fillStyle = COLORS[key];
      ctx.beginPath();
      for (const [e, v] of series.entries()) {
        if (e === 0) ctx.moveTo(x(e + 1), y(v));
        else ctx.lineTo(x(e + 1), y(v));
      }
      ctx.stroke();
      for (const [e, v] of series.entries()) ctx.fillRect(x(e + 1) - 2, y(v) - 2, 4, 4);
      ctx.fillText(key, left + 8 + 70 * i, top + h + 30);
    }
  }
}

/** A range around [lo, hi] with a margin, never empty. */
function widen(lo: number, hi: number): [number, number] {
  const pad = Math.max((hi - lo) * 0.1, Math.abs(hi) * 1e-3, 1e-6);
  return [Math.max(0, lo - pad), hi + pad];
}
