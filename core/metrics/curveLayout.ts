import type { IterationMetrics } from '../runStatus';
import { curveData, type CurveData } from './curveData';
import type { Color, Primitive, Scene } from './scene';

export interface CurveOptions {
  width?: number;
  height?: number;
  /** RL stage names in run order (from the run config); otherwise the order they first finished in. */
  stageOrder?: string[];
}

export const CURVE_COLORS = {
  passRate: '#1f77b4',
  evaluation: '#d62728',
  filtered: '#2ca02c',
  axis: '#333333',
  grid: '#e6e6e6',
  boundary: '#888888',
  text: '#222222',
  background: '#ffffff',
} as const satisfies Record<string, Color>;

const LEGEND_WIDTH = 180;
const MARGIN = { left: 56, right: 20 + LEGEND_WIDTH, top: 48, bottom: 52 };

/** A step of 1, 2 or 5 times a power of ten that gives at most `maxTicks` integer ticks over `span`. */
export function niceIntegerStep(span: number, maxTicks = 10): number {
  for (let power = 1; ; power *= 10) {
    for (const m of [1, 2, 5]) if (span / (m * power) <= maxTicks) return m * power;
  }
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Lays out the learning curve of one run: rollout pass rate, eval Pass@1 +- SEM, filtered-group fraction. */
export function learningCurveScene(runId: string, metrics: IterationMetrics[], options: CurveOptions = {}): Scene {
  const width = options.width ?? 800;
  const height = options.height ?? 500;
  const data = curveData(metrics, options.stageOrder);
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const xs = data.points.map((p) => p.x);
  const xMin = xs.length ? Math.min(...xs) - 0.5 : 0;
  const xMax = xs.length ? Math.max(...xs) + 0.5 : 1;
  const px = (x: number) => plot.left + ((x - xMin) / (xMax - xMin)) * (plot.right - plot.left);
  const py = (y: number) => plot.bottom - clamp01(y) * (plot.bottom - plot.top);

  const items: Primitive[] = [];
  const text = (x: number, y: number, s: string, size: number, anchor: 'start' | 'middle' | 'end', cls: string, fill: Color = CURVE_COLORS.text) =>
    items.push({ kind: 'text', x, y, text: s, size, anchor, fill, cls });

  text(width / 2, 28, `Learning curve: ${runId}`, 16, 'middle', 'title');

  // Grid and y axis: rates from 0 to 1.
  for (let i = 0; i <= 5; i++) {
    const y = py(i / 5);
    items.push({ kind: 'line', x1: plot.left, y1: y, x2: plot.right, y2: y, stroke: CURVE_COLORS.grid, width: 1, cls: 'y-grid' });
    items.push({ kind: 'line', x1: plot.left - 5, y1: y, x2: plot.left, y2: y, stroke: CURVE_COLORS.axis, width: 1, cls: 'y-tick' });
    text(plot.left - 8, y + 4, (i / 5).toFixed(1), 11, 'end', 'y-tick-label');
  }
  text(plot.left - 8, plot.top - 12, 'rate', 11, 'start', 'y-label');

  // x axis: integer iteration ticks.
  if (xs.length) {
    const step = niceIntegerStep(xMax - xMin);
    for (let x = Math.ceil(xMin / step) * step; x <= xMax; x += step) {
      items.push({ kind: 'line', x1: px(x), y1: plot.bottom, x2: px(x), y2: plot.bottom + 5, stroke: CURVE_COLORS.axis, width: 1, cls: 'x-tick' });
      text(px(x), plot.bottom + 18, String(x), 11, 'middle', 'x-tick-label');
    }
  } else {
    text((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, 'no iterations recorded yet', 13, 'middle', 'empty-note');
  }
  text((plot.left + plot.right) / 2, height - 12, 'iteration', 12, 'middle', 'x-label');

  addStageBoundaries(items, data, px, plot);
  addSeries(items, data, px, py);

  items.push({ kind: 'line', x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: CURVE_COLORS.axis, width: 1, cls: 'x-axis' });
  items.push({ kind: 'line', x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, stroke: CURVE_COLORS.axis, width: 1, cls: 'y-axis' });
  addLegend(items, plot.right + 14, plot.top + 8);
  return { width, height, background: CURVE_COLORS.background, items };
}

type Plot = { left: number; right: number; top: number; bottom: number };

/** Rough width of 11 px sans-serif text (and exactly that of the 6 px-a-character PNG font). */
const labelWidth = (text: string) => text.length * 6.5;

function addStageBoundaries(items: Primitive[], data: CurveData, px: (x: number) => number, plot: Plot): void {
  // A label that would run into the previous one moves down a row.
  let previous = { right: -Infinity, row: -1 };
  data.stages.forEach((span, i) => {
    let labelX = plot.left + 4;
    if (i > 0) {
      const x = px((data.stages[i - 1].last + span.first) / 2);
      items.push({ kind: 'line', x1: x, y1: plot.top, x2: x, y2: plot.bottom, stroke: CURVE_COLORS.boundary, width: 1, dash: [4, 4], cls: 'stage-boundary' });
      labelX = x + 4;
    }
    const row = labelX < previous.right + 6 ? (previous.row + 1) % 4 : 0;
    items.push({ kind: 'text', x: labelX, y: plot.top + 12 + row * 13, text: span.stage, size: 11, anchor: 'start', fill: CURVE_COLORS.boundary, cls: 'stage-label' });
    previous = { right: labelX + labelWidth(span.stage), row };
  });
}

function addSeries(items: Primitive[], data: CurveData, px: (x: number) => number, py: (y: number) => number): void {
  const finite = data.points.filter((p) => Number.isFinite(p.passRate) && Number.isFinite(p.filteredGroupFraction));
  const markerRadius = finite.length > 100 ? 1.5 : 3;
  if (finite.length > 1) {
    items.push({ kind: 'polyline', points: finite.map((p) => [px(p.x), py(p.filteredGroupFraction)]), stroke: CURVE_COLORS.filtered, width: 2, dash: [6, 4], cls: 'filtered' });
    items.push({ kind: 'polyline', points: finite.map((p) => [px(p.x), py(p.passRate)]), stroke: CURVE_COLORS.passRate, width: 2, cls: 'pass-rate' });
  }
  for (const p of finite) {
    items.push({ kind: 'circle', cx: px(p.x), cy: py(p.filteredGroupFraction), r: markerRadius - 0.5, fill: CURVE_COLORS.filtered, cls: 'filtered-point' });
    items.push({ kind: 'circle', cx: px(p.x), cy: py(p.passRate), r: markerRadius, fill: CURVE_COLORS.passRate, cls: 'pass-rate-point' });
  }
  for (const p of data.points) {
    if (!p.evaluation || !Number.isFinite(p.evaluation.pass1)) continue;
    const x = px(p.x);
    const sem = Number.isFinite(p.evaluation.sem) ? Math.abs(p.evaluation.sem) : 0;
    const low = py(p.evaluation.pass1 - sem);
    const high = py(p.evaluation.pass1 + sem);
    if (sem > 0) {
      items.push({ kind: 'line', x1: x, y1: low, x2: x, y2: high, stroke: CURVE_COLORS.evaluation, width: 1.5, cls: 'error-bar' });
      for (const y of [low, high]) items.push({ kind: 'line', x1: x - 4, y1: y, x2: x + 4, y2: y, stroke: CURVE_COLORS.evaluation, width: 1.5, cls: 'error-bar-cap' });
    }
    items.push({ kind: 'circle', cx: x, cy: py(p.evaluation.pass1), r: 4, fill: CURVE_COLORS.evaluation, cls: 'eval-point' });
  }
}

function addLegend(items: Primitive[], left: number, top: number): void {
  const entry = (row: number, label: string, draw: (x: number, y: number) => void) => {
    const y = top + row * 22;
    draw(left, y);
    items.push({ kind: 'text', x: left + 32, y: y + 4, text: label, size: 11, anchor: 'start', fill: CURVE_COLORS.text, cls: 'legend' });
  };
  entry(0, 'rollout pass rate', (x, y) => {
    items.push({ kind: 'line', x1: x, y1: y, x2: x + 24, y2: y, stroke: CURVE_COLORS.passRate, width: 2, cls: 'legend-key' });
    items.push({ kind: 'circle', cx: x + 12, cy: y, r: 3, fill: CURVE_COLORS.passRate, cls: 'legend-key' });
  });
  entry(1, 'eval Pass@1 +- SEM', (x, y) => {
    items.push({ kind: 'line', x1: x + 12, y1: y - 7, x2: x + 12, y2: y + 7, stroke: CURVE_COLORS.evaluation, width: 1.5, cls: 'legend-key' });
    items.push({ kind: 'circle', cx: x + 12, cy: y, r: 4, fill: CURVE_COLORS.evaluation, cls: 'legend-key' });
  });
  entry(2, 'filtered-group fraction', (x, y) => {
    items.push({ kind: 'line', x1: x, y1: y, x2: x + 24, y2: y, stroke: CURVE_COLORS.filtered, width: 2, dash: [6, 4], cls: 'legend-key' });
  });
}
