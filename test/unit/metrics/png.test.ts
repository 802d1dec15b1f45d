import { learningCurvePng, encodePng } from '../../../activities/metrics/png';
import { FONT_CHARACTERS, GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from '../../../core/metrics/bitmapFont';
import { CURVE_COLORS, learningCurveScene } from '../../../core/metrics/curveLayout';
import { crc32 } from '../../../core/metrics/png';
import { createImage, parseColor, rasterizeScene } from '../../../core/metrics/raster';
import { evaluation, iterationMetrics, stageRecords } from './fixtures';
import { countColor, decodePng } from './pngDecode';

const rgb = (c: `#${string}`) => [...parseColor(c)] as [number, number, number];

describe('PNG encoding', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('encodes an image that decodes to the same pixels', () => {
    const image = createImage(3, 2, '#ffffff');
    image.data.set([255, 0, 0, 255], 4);
    image.data.set([0, 0, 255, 255], (1 * 3 + 2) * 4);
    const png = decodePng(encodePng(image));
    expect([png.width, png.height, png.bitDepth, png.colorType]).toEqual([3, 2, 8, 6]);
    expect(Array.from(png.pixels)).toEqual(Array.from(image.data));
  });
});

describe('learning curve PNG', () => {
  const metrics = [
    iterationMetrics({ stage: 'rft', iteration: 1, finishedAt: '2024-12-31T23:00:00Z' }),
    ...stageRecords('stage-1', 12, 0, (i) => (i % 4 === 3 ? { evaluation: evaluation(0.3 + i / 40, 0.05) } : {})),
    ...stageRecords('stage-2', 8, 100),
  ];

  it('is an 800x500 RGBA PNG with the series colours drawn on white', () => {
    const png = decodePng(learningCurvePng('run-a', metrics));
    expect([png.width, png.height, png.colorType]).toEqual([800, 500, 6]);
    const white = countColor(png, [255, 255, 255]);
    expect(white).toBeLessThan(800 * 500 * 0.98);
    expect(white).toBeGreaterThan(800 * 500 * 0.5);
    expect(countColor(png, rgb(CURVE_COLORS.passRate))).toBeGreaterThan(500);
    expect(countColor(png, rgb(CURVE_COLORS.evaluation))).toBeGreaterThan(100);
    expect(countColor(png, rgb(CURVE_COLORS.filtered))).toBeGreaterThan(200);
    expect(countColor(png, rgb(CURVE_COLORS.text))).toBeGreaterThan(200);
  });

  it('draws each pass-rate point where the SVG has it', () => {
    const records = [iterationMetrics({ passRate: 1, filteredGroupFraction: 0 }), iterationMetrics({ iteration: 2, passRate: 0.5, filteredGroupFraction: 0, finishedAt: '2025-01-01T00:02:00Z' })];
    const png = decodePng(learningCurvePng('run-a', records));
    const blue = rgb(CURVE_COLORS.passRate);
    const at = (x: number, y: number) => Array.from(png.pixels.subarray((y * 800 + x) * 4, (y * 800 + x) * 4 + 3));
    const points = learningCurveScene('run-a', records).items.flatMap((p) => (p.kind === 'circle' && p.cls === 'pass-rate-point' ? [p] : []));
    expect(points).toHaveLength(2);
    for (const p of points) expect(at(Math.floor(p.cx), Math.floor(p.cy))).toEqual(blue);
    // pass rate 1 is on the top gridline and 0.5 half-way down the plot
    expect(points[1].cy - points[0].cy).toBeGreaterThan(150);
    expect(at(Math.floor(points[0].cx), Math.floor(points[1].cy))).not.toEqual(blue);
  });

  it('renders with no points and with a single point', () => {
    for (const records of [[], [iterationMetrics()]]) {
      const png = decodePng(learningCurvePng('run-a', records));
      expect(png.width).toBe(800);
      expect(countColor(png, [255, 255, 255])).toBeLessThan(800 * 500);
    }
  });

  it('draws the scene size it is given', () => {
    const image = rasterizeScene({ width: 40, height: 30, background: '#ffffff', items: [{ kind: 'line', x1: 0, y1: 15, x2: 40, y2: 15, stroke: '#000000', width: 2 }] });
    const png = decodePng(encodePng(image));
    expect([png.width, png.height]).toEqual([40, 30]);
    expect(countColor(png, [0, 0, 0])).toBe(80);
  });
});

describe('bitmap font', () => {
  it('has seven rows of five cells for every glyph and draws lower case as upper case', () => {
    for (const ch of FONT_CHARACTERS) {
      const rows = glyph(ch);
      expect(rows).toHaveLength(GLYPH_HEIGHT);
      expect(rows.every((r) => r.length === GLYPH_WIDTH)).toBe(true);
    }
    expect(glyph('a')).toEqual(glyph('A'));
    expect(glyph('€').flat().filter(Boolean).length).toBeGreaterThan(0);
  });
});
