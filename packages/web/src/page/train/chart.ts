// The live charts, drawn from the trainer's events: loss / accuracy (training and validation per epoch, and
// each step's training loss faintly behind, from batchEnd, so a run shows progress within its first epoch),
// and each step's time split as the dashboard's time chart splits it: data wait / compute (batchEnd's waitMs
// and computeMs).

export interface ChartSeries {
  /** Per step: [epoch + step / stepsPerEpoch, loss]. */
  steps: [number, number][];
  /** Per epoch (key = history key: loss, acc, val_loss, val_acc). */
  epochs: Record<string, number[]>;
}

/** Per step: [epoch + step / stepsPerEpoch, data wait ms, compute ms]. */
export type StepTimes = [number, number, number][];

const COLORS: Record<string, string> = {
  loss: '#1f77b4',
  val_loss: '#ff7f0e',
  acc: '#2ca02c',
  val_acc: '#d62728',
  'data wait': '#9467bd',
  compute: '#8c564b',
};

interface Line {
  key: string;
  /** Joined by a line, a marker at each. */
  points: [number, number][];
}

interface Panel {
  x0: number;
  width: number;
  title: string;
  unit: string;
  /** A fixed range (accuracy), else the lines' own. */
  range?: [number, number];
  lines: Line[];
  /** Per-step training losses drawn faintly behind. */
  faint?: [number, number][];
}

/** Draws the series on `canvas`: loss (left half) and accuracy (right half), x = epochs. */
export function drawChart(canvas: HTMLCanvasElement, s: ChartSeries, epochs: number): void {
  const perEpoch = (key: string): Line => ({
    key,
    points: (s.epochs[key] ?? []).map((v, e) => [e + 1, v]),
  });
  const half = canvas.width / 2;
  drawPanels(canvas, epochs, [
    {
      x0: 0,
      width: half,
      title: 'Loss',
      unit: '',
      lines: ['loss', 'val_loss'].map(perEpoch),
      faint: s.steps,
    },
    {
      x0: half,
      width: half,
      title: 'Accuracy',
      unit: '',
      range: [0, 1],
      lines: ['acc', 'val_acc'].map(perEpoch),
    },
  ]);
}

/** Draws each step's data wait and compute time (ms) on `canvas`, x = epochs, as the dashboard's time chart. */
export function drawTimeChart(canvas: HTMLCanvasElement, times: StepTimes, epochs: number): void {
  drawPanels(canvas, epochs, [
    {
      x0: 0,
      width: canvas.width,
      title: 'Step time',
      unit: ' ms',
      lines: [
        { key: 'data wait', points: times.map(([x, wait]) => [x, wait]) },
        { key: 'compute', points: times.map(([x, , compute]) => [x, compute]) },
      ],
    },
  ]);
}

function drawPanels(canvas: HTMLCanvasElement, epochs: number, panels: Panel[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const panel of panels) drawPanel(ctx, canvas.height, epochs, panel);
}

function drawPanel(ctx: CanvasRenderingContext2D, height: number, epochs: number, panel: Panel): void {
  const w = panel.width - 40;
  const h = height - 50;
  const left = panel.x0 + 30;
  const top = 20;
  const values = [...panel.lines.flatMap((l) => l.points), ...(panel.faint ?? [])].map(([, v]) => v);
  // A range of the values' own (losses near ln 2 would otherwise be one flat line).
  const finite = values.filter(Number.isFinite);
  const [min, max] =
    panel.range ?? (finite.length === 0 ? [0, 1] : widen(Math.min(...finite), Math.max(...finite)));
  const x = (e: number) => left + (w * e) / Math.max(1, epochs);
  const y = (v: number) => top + h - (h * (Math.min(Math.max(v, min), max) - min)) / (max - min);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(left, top, w, h);
  ctx.fillStyle = '#333';
  ctx.font = '12px sans-serif';
  ctx.fillText(
    `${panel.title} (${min.toPrecision(3)} to ${max.toPrecision(3)}${panel.unit}), epochs 0 to ${epochs}`,
    left,
    top - 6,
  );
  ctx.fillStyle = 'rgba(31, 119, 180, 0.3)';
  for (const [e, v] of panel.faint ?? []) ctx.fillRect(x(e) - 1, y(v) - 1, 2, 2);
  for (const [i, line] of panel.lines.entries()) {
    ctx.strokeStyle = COLORS[line.key];
    ctx.fillStyle = COLORS[line.key];
    ctx.beginPath();
    for (const [j, [e, v]] of line.points.entries()) {
      if (j === 0) ctx.moveTo(x(e), y(v));
      else ctx.lineTo(x(e), y(v));
    }
    ctx.stroke();
    for (const [e, v] of line.points) ctx.fillRect(x(e) - 2, y(v) - 2, 4, 4);
    ctx.fillText(line.key, left + 8 + 70 * i, top + h + 30);
  }
}

/** A range around [lo, hi] with a margin, never empty. */
function widen(lo: number, hi: number): [number, number] {
  const pad = Math.max((hi - lo) * 0.1, Math.abs(hi) * 1e-3, 1e-6);
  return [Math.max(0, lo - pad), hi + pad];
}
