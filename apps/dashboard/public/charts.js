// @ts-check
// Thin wrapper over uPlot: a line chart whose data grows as events arrive, redrawn at most once a frame.
// @ts-expect-error the server maps /vendor/ to uplot's dist/ folder; the types come from the uplot package.
import uPlotModule from '/vendor/uPlot.esm.js';

/** @type {typeof import('uplot')} */
const uPlot = uPlotModule;

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/**
 * Tick labels that stay readable for tiny values such as learning rates.
 * @param {uPlot} _u
 * @param {number[]} ticks
 */
function tickValues(_u, ticks) {
  return ticks.map((v) =>
    v === 0
      ? '0'
      : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5
        ? v.toExponential(1)
        : String(Number(v.toPrecision(4))),
  );
}

/** Whole-number x ticks for epochs and steps. */
const INT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];

/** @param {HTMLElement} el */
function width(el) {
  return Math.max(280, el.clientWidth || 420);
}

/**
 * @typedef {object} LineChartOptions
 * @property {boolean} [points] draw a dot at every value
 * @property {number} [height] pixels (default 200)
 * @property {boolean} [fractionalX] x ticks at fractions (0..1) rather than whole numbers
 * @property {{series: number, label: string}} [rightScale] series (0-based) drawn on a right-hand scale
 */

/**
 * A chart of series `names` over x (`xLabel`). `push(x, values)` appends a point; `setAll(x[], ys[][])`
 * replaces the data. The container's data-points attribute holds the number of x values drawn.
 * @param {HTMLElement} el
 * @param {string} xLabel
 * @param {string[]} names
 * @param {LineChartOptions} [opts]
 */
export function lineChart(el, xLabel, names, opts = {}) {
  /** @type {number[]} */
  let xs = [];
  /** @type {(number | null)[][]} one array of values per series, null where a value is missing */
  let ys = names.map(() => []);
  /** @returns {uPlot.AlignedData} */
  const data = () => [xs, ...ys];
  /** @type {uPlot | null} */
  let plot = null;
  let pending = false;
  /** @type {{x: number, label: string}[]} */
  const markers = [];
  /** @type {uPlot.Series[]} */
  const series = [
    { label: xLabel },
    ...names.map((label, i) => ({
      label,
      stroke: COLORS[i % COLORS.length],
      width: 1.5,
      spanGaps: true,
      points: { show: opts.points ?? false },
      scale: opts.rightScale?.series === i ? 'right' : 'y',
    })),
  ];
  /** @type {uPlot.Axis[]} */
  const axes = [
    { label: xLabel, incrs: opts.fractionalX ? [0.05, 0.1, 0.2, 0.25, 0.5, 1] : INT_INCRS },
    { values: tickValues, size: 60 },
    ...(opts.rightScale
      ? [{ scale: 'right', side: 1, label: opts.rightScale.label, values: tickValues, grid: { show: false } }]
      : []),
  ];
  /** @param {uPlot} u */
  const drawMarkers = (u) => {
    const ctx = u.ctx;
    for (const m of markers) {
      const x = u.valToPos(m.x, 'x', true);
      if (!Number.isFinite(x)) continue;
      ctx.save();
      ctx.strokeStyle = '#f59e0b';
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillStyle = '#b45309';
      ctx.font = `${11 * devicePixelRatio}px sans-serif`;
      ctx.fillText(m.label, x + 4, u.bbox.top + 12 * devicePixelRatio);
      ctx.restore();
    }
  };
  const make = () => {
    plot = new uPlot(
      {
        width: width(el),
        height: opts.height ?? 200,
        scales: { x: { time: false }, ...(opts.rightScale ? { right: { auto: true } } : {}) },
        axes,
        series,
        hooks: { draw: [drawMarkers] },
        legend: { live: true },
      },
      data(),
      el,
    );
  };
  let destroyed = false;
  const redraw = () => {
    pending = false;
    if (destroyed) return;
    if (!plot) make();
    else plot.setData(data());
    el.dataset.points = String(xs.length);
  };
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(redraw);
  };
  return {
    /** @param {number} x @param {(number | undefined)[]} values */
    push(x, values) {
      xs.push(x);
      ys.forEach((y, i) => {
        const v = values[i];
        y.push(typeof v === 'number' && Number.isFinite(v) ? v : null);
      });
      schedule();
    },
    /** @param {number[]} newXs @param {(number | null)[][]} newYs one array per series (null: no point) */
    setAll(newXs, newYs) {
      xs = [...newXs];
      ys = names.map((_, i) => [...(newYs[i] ?? [])]);
      schedule();
    },
    /** @param {number} x @param {string} label */
    mark(x, label) {
      markers.length = 0;
      markers.push({ x, label });
      schedule();
    },
    clear() {
      xs = [];
      ys = names.map(() => []);
      markers.length = 0;
      schedule();
    },
    count: () => xs.length,
    /** Removes the chart; a redraw it had scheduled does nothing (so it never draws a second chart). */
    destroy() {
      destroyed = true;
      plot?.destroy();
      plot = null;
    },
  };
}

/**
 * A chart with one series per run, recreated whenever the set of runs changes.
 * @param {HTMLElement} el
 * @param {string} xLabel
 */
export function compareChart(el, xLabel) {
  /** @type {uPlot | null} */
  let plot = null;
  return {
    /** @param {{name: string, x: number[], y: (number | null)[]}[]} runs */
    show(runs) {
      plot?.destroy();
      el.replaceChildren();
      const xs = [...new Set(runs.flatMap((r) => r.x))].sort((a, b) => a - b);
      const ys = runs.map((r) => xs.map((x) => r.y[r.x.indexOf(x)] ?? null));
      plot = new uPlot(
        {
          width: width(el),
          height: 260,
          scales: { x: { time: false } },
          axes: [
            { label: xLabel, incrs: INT_INCRS },
            { values: tickValues, size: 60 },
          ],
          series: [
            { label: xLabel },
            ...runs.map((r, i) => ({
              label: r.name,
              stroke: COLORS[i % COLORS.length],
              width: 2,
              spanGaps: true,
            })),
          ],
        },
        [xs, ...ys],
        el,
      );
      el.dataset.points = String(xs.length);
      el.dataset.series = String(runs.length);
    },
  };
}
