// Thin wrapper over uPlot: a line chart whose data grows as events arrive, redrawn at most once a frame.
import uPlot from '/vendor/uPlot.esm.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/** Tick labels that stay readable for tiny values such as learning rates. */
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

function width(el) {
  return Math.max(280, el.clientWidth || 420);
}

/**
 * A chart of series `names` over x (`xLabel`). `push(x, values)` appends a point; `setAll(x[], ys[][])`
 * replaces the data. The container's data-points attribute holds the number of x values drawn.
 */
export function lineChart(el, xLabel, names, opts = {}) {
  const data = [[], ...names.map(() => [])];
  let plot = null;
  let pending = false;
  const markers = [];
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
  const axes = [
    { label: xLabel, incrs: opts.fractionalX ? [0.05, 0.1, 0.2, 0.25, 0.5, 1] : INT_INCRS },
    { values: tickValues, size: 60 },
    ...(opts.rightScale
      ? [{ scale: 'right', side: 1, label: opts.rightScale.label, values: tickValues, grid: { show: false } }]
      : []),
  ];
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
      data,
      el,
    );
  };
  const redraw = () => {
    pending = false;
    if (!plot) make();
    else plot.setData(data);
    el.dataset.points = String(data[0].length);
  };
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(redraw);
  };
  return {
    push(x, values) {
      data[0].push(x);
      names.forEach((_, i) => {
        const v = values[i];
        data[i + 1].push(typeof v === 'number' && Number.isFinite(v) ? v : null);
      });
      schedule();
    },
    setAll(xs, ys) {
      data[0] = xs;
      ys.forEach((y, i) => {
        data[i + 1] = y;
      });
      schedule();
    },
    mark(x, label) {
      markers.length = 0;
      markers.push({ x, label });
      schedule();
    },
    clear() {
      data.forEach((a) => {
        a.length = 0;
      });
      markers.length = 0;
      schedule();
    },
    count: () => data[0].length,
  };
}

/** A chart with one series per run, recreated whenever the set of runs changes. */
export function compareChart(el, xLabel) {
  let plot = null;
  return {
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
