import { XMLValidator } from 'fast-xml-parser';
import { learningCurveSvg } from '../../../core/metrics/learningCurve';
import { evaluation, iterationMetrics, stageRecords } from './fixtures';

const count = (svg: string, cls: string) => svg.split(`class="${cls}"`).length - 1;
const elements = (svg: string, cls: string) => svg.split('\n').filter((l) => l.includes(`class="${cls}"`));
const attr = (element: string, name: string) => Number(new RegExp(` ${name}="([-0-9.]+)"`).exec(element)?.[1]);

describe('learning curve SVG', () => {
  it('renders axes, legend and a note with no points', () => {
    const svg = learningCurveSvg('run-<a>', []);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('Learning curve: run-&lt;a&gt;');
    expect(svg).toContain('no iterations recorded yet');
    expect(count(svg, 'x-axis')).toBe(1);
    expect(count(svg, 'y-axis')).toBe(1);
    expect(count(svg, 'y-tick')).toBe(6);
    expect(count(svg, 'legend')).toBe(3);
    expect(count(svg, 'pass-rate')).toBe(0);
    expect(count(svg, 'pass-rate-point')).toBe(0);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('renders one point as markers (no line) with its eval error bar', () => {
    const svg = learningCurveSvg('run-a', [iterationMetrics({ evaluation: evaluation(0.5, 0.1) })]);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(count(svg, 'pass-rate')).toBe(0);
    expect(count(svg, 'pass-rate-point')).toBe(1);
    expect(count(svg, 'eval-point')).toBe(1);
    expect(count(svg, 'error-bar')).toBe(1);
    expect(count(svg, 'error-bar-cap')).toBe(2);
    expect(count(svg, 'x-tick')).toBe(1);
    expect(count(svg, 'stage-boundary')).toBe(0);
    expect(count(svg, 'stage-label')).toBe(1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws error bars spanning Pass@1 +- SEM on the 0..1 scale', () => {
    const svg = learningCurveSvg('run-a', [iterationMetrics({ evaluation: evaluation(0.5, 0.1) })]);
    const y = (v: number) => {
      const [zero, one] = [elements(svg, 'y-tick')[0], elements(svg, 'y-tick')[5]].map((e) => attr(e, 'y1'));
      return zero + (one - zero) * v;
    };
    const bar = elements(svg, 'error-bar')[0];
    expect(attr(bar, 'y1')).toBeCloseTo(y(0.4), 1);
    expect(attr(bar, 'y2')).toBeCloseTo(y(0.6), 1);
    expect(attr(elements(svg, 'eval-point')[0], 'cy')).toBeCloseTo(y(0.5), 1);
  });

  it('renders many points across stages with boundaries, labels, a line per series and eval points where present', () => {
    const rft = iterationMetrics({ stage: 'rft', iteration: 1, finishedAt: '2024-12-31T23:00:00Z', evaluation: evaluation(0.2, 0.02) });
    const s1 = stageRecords('stage-1', 30, 0, (i) => (i % 10 === 9 ? { evaluation: evaluation(0.3, 0.03) } : {}));
    const s2 = stageRecords('stage-2', 20, 100, (i) => (i === 19 ? { evaluation: evaluation(0.4, 0) } : {}));
    const svg = learningCurveSvg('run-a', [rft, ...s1, ...s2]);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(count(svg, 'pass-rate-point')).toBe(51);
    const line = elements(svg, 'pass-rate')[0];
    expect(/points="([^"]*)"/.exec(line)?.[1].split(' ')).toHaveLength(51);
    expect(count(svg, 'filtered')).toBe(1);
    expect(elements(svg, 'filtered')[0]).toContain('stroke-dasharray');
    expect(count(svg, 'eval-point')).toBe(5);
    expect(count(svg, 'error-bar')).toBe(4); // the SEM-0 point has no bar
    expect(count(svg, 'stage-boundary')).toBe(2);
    expect(elements(svg, 'stage-label').map((l) => />([^<]*)</.exec(l)?.[1])).toEqual(['rft', 'stage-1', 'stage-2']);
    // the RFT label sits right before stage-1's, so stage-1's moves down a row; stage-2 has room
    const labelY = elements(svg, 'stage-label').map((l) => attr(l, 'y'));
    expect(labelY[1]).toBeGreaterThan(labelY[0]);
    expect(labelY[2]).toBe(labelY[0]);
    // x ticks stay readable and are whole iterations
    const ticks = elements(svg, 'x-tick-label').map((l) => Number(/>([^<]*)</.exec(l)?.[1]));
    expect(ticks.length).toBeLessThanOrEqual(11);
    expect(ticks.every(Number.isInteger)).toBe(true);
    expect(ticks[0]).toBe(0);
  });

  it('places a stage boundary between the last point of one stage and the first of the next', () => {
    const svg = learningCurveSvg('run-a', [...stageRecords('s1', 2, 0), ...stageRecords('s2', 2, 10)]);
    const points = elements(svg, 'pass-rate-point').map((e) => attr(e, 'cx'));
    const boundary = attr(elements(svg, 'stage-boundary')[0], 'x1');
    expect(boundary).toBeGreaterThan(points[1]);
    expect(boundary).toBeLessThan(points[2]);
    expect(boundary).toBeCloseTo((points[1] + points[2]) / 2, 1);
  });
});
