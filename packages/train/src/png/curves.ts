import { autoScale, project, type Scale } from './axes.js';
import { textWidth } from './font.js';
import { BLACK, type Box, Raster, type Rgb } from './raster.js';

/** matplotlib's first two default colours (tab:blue, tab:orange). */
export const TRAIN_COLOR: Rgb = [31, 119, 180];
export const VAL_COLOR: Rgb = [255, 127, 14];

/** Options of the curves.png drawing. */
export interface CurvesOptions {
  /** Metrics to plot, one panel each, train vs val_<metric> (default ['acc', 'loss'], the seed). */
  metrics?: string[];
  /** Image size in pixels (default 1600 x 340, near the seed's 20 x 3 inch figure). */
  width?: number;
  height?: number;
}

interface Series {
  name: string;
  values: readonly number[];
  color: Rgb;
}

const FONT = 2;
const GREY: Rgb = [204, 204, 204];

function drawAxes(
  r: Raster,
  plot: Box,
  xs: Scale,
  ys: Scale,
  xLabel: string,
  yLabel: string,
  x0: number,
): void {
  r.strokeRect(plot.x, plot.y, plot.w, plot.h, BLACK);
  for (const t of xs.ticks) {
    const px = Math.round(project(t, xs, plot.x, plot.x + plot.w - 1));
    r.fillRect(px, plot.y + plot.h, 1, 5, BLACK);
    const label = t.toFixed(xs.decimals);
    r.text(label, px - textWidth(label, FONT) / 2, plot.y + plot.h + 9, BLACK, FONT);
  }
  for (const t of ys.ticks) {
    const py = Math.round(project(t, ys, plot.y + plot.h - 1, plot.y));
    r.fillRect(plot.x - 5, py, 5, 1, BLACK);
    const label = t.toFixed(ys.decimals);
    r.text(label, plot.x - 9 - textWidth(label, FONT), py - 7, BLACK, FONT);
  }
  r.text(xLabel, plot.x + (plot.w - textWidth(xLabel, FONT)) / 2, plot.y + plot.h + 32, BLACK, FONT);
  r.text(yLabel, x0 + 10, plot.y + (plot.h - textWidth(yLabel, FONT)) / 2, BLACK, FONT, true);
}

/** Pixel points of a series; NaN/inf values become gaps (null). */
function seriesPoints(s: Series, plot: Box, xs: Scale, ys: Scale): ([number, number] | null)[] {
  return s.values.map((v, i) =>
    Number.isFinite(v)
      ? [project(i, xs, plot.x, plot.x + plot.w - 1), project(v, ys, plot.y + plot.h - 1, plot.y)]
      : null,
  );
}

function legendBox(plot: Box, series: Series[], corner: number): Box {
  const w = 30 + 8 + Math.max(...series.map((s) => textWidth(s.name, FONT))) + 16;
  const h = series.length * 22 + 10;
  const right = corner === 0 || corner === 3;
  const top = corner === 0 || corner === 1;
  return {
    x: right ? plot.x + plot.w - w - 8 : plot.x + 8,
    y: top ? plot.y + 8 : plot.y + plot.h - h - 8,
    w,
    h,
  };
}

/** matplotlib's loc='best' in spirit: the corner (upper right, upper left, lower left, lower right) hiding the fewest curve samples. */
function bestLegendBox(plot: Box, series: Series[], pts: ([number, number] | null)[][]): Box {
  const samples: [number, number][] = [];
  for (const line of pts) {
    for (let i = 0; i < line.length; i++) {
      const a = line[i];
      const b = line[i + 1];
      if (!a) continue;
      samples.push(a);
      if (b)
        for (let t = 1; t < 8; t++)
          samples.push([a[0] + ((b[0] - a[0]) * t) / 8, a[1] + ((b[1] - a[1]) * t) / 8]);
    }
  }
  const boxes = [0, 1, 2, 3].map((c) => legendBox(plot, series, c));
  const hidden = boxes.map(
    (b) => samples.filter(([x, y]) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h).length,
  );
  return boxes[hidden.indexOf(Math.min(...hidden))];
}

function drawLegend(r: Raster, box: Box, series: Series[]): void {
  r.fillRect(box.x, box.y, box.w, box.h, [255, 255, 255]);
  r.strokeRect(box.x, box.y, box.w, box.h, GREY);
  series.forEach((s, i) => {
    const cy = box.y + 5 + i * 22 + 11;
    r.line(box.x + 8, cy, box.x + 38, cy, s.color, 2);
    r.text(s.name, box.x + 46, cy - 7, BLACK, FONT);
  });
}

/** One panel: "Model <metric>" title, x "epochs", y <metric>, train/val lines and legend. */
function drawPanel(r: Raster, area: Box, metric: string, series: Series[]): void {
  const plot: Box = { x: area.x + 110, y: area.y + 40, w: area.w - 140, h: area.h - 100 };
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const xs = autoScale([0, n - 1], { integer: true, target: 8 });
  const ys = autoScale(
    series.flatMap((s) => [...s.values]),
    { target: 5 },
  );
  const title = `Model ${metric}`;
  r.text(title, plot.x + (plot.w - textWidth(title, FONT)) / 2, area.y + 12, BLACK, FONT);
  drawAxes(r, plot, xs, ys, 'epochs', metric, area.x);
  const pts = series.map((s) => seriesPoints(s, plot, xs, ys));
  pts.forEach((line, si) => {
    line.forEach((p, i) => {
      const q = line[i + 1];
      if (p && q) r.line(p[0], p[1], q[0], q[1], series[si].color, 2, plot);
      else if (p && !line[i - 1] && !q)
        r.fillRect(Math.round(p[0]) - 2, Math.round(p[1]) - 2, 4, 4, series[si].color);
    });
  });
  drawLegend(r, bestLegendBox(plot, series, pts), series);
}

/**
 * The seed's training curves: panels side by side ("Model acc", "Model loss"), train and val lines,
 * x label "epochs", y label the metric, legend train/val. `history` is Keras-like {metric: number[]}.
 */
export function renderCurves(
  history: Readonly<Record<string, readonly number[]>>,
  opts: CurvesOptions = {},
): Raster {
  const metrics = opts.metrics ?? ['acc', 'loss'];
  const width = opts.width ?? 1600;
  const height = opts.height ?? 340;
  const r = new Raster(width, height);
  const panelW = Math.floor(width / metrics.length);
  metrics.forEach((m, i) => {
    const series: Series[] = [{ name: 'train', values: history[m] ?? [], color: TRAIN_COLOR }];
    if (history[`val_${m}`]) series.push({ name: 'val', values: history[`val_${m}`], color: VAL_COLOR });
    drawPanel(r, { x: i * panelW, y: 0, w: panelW, h: height }, m, series);
  });
  return r;
}
