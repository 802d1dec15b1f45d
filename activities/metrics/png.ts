import { deflateSync } from 'node:zlib';
import type { IterationMetrics } from '../../core/runStatus';
import { learningCurveScene, type CurveOptions } from '../../core/metrics/curveLayout';
import { pngFile } from '../../core/metrics/png';
import { rasterizeScene, type RgbaImage } from '../../core/metrics/raster';

/** PNG bytes for an RGBA image (zlib from node does the compression). */
export function encodePng(image: RgbaImage): Buffer {
  return Buffer.from(pngFile(image, (raw) => deflateSync(raw, { level: 9 })));
}

/** The learning curve as a PNG, rasterised from the same scene as the SVG. */
export function learningCurvePng(runId: string, metrics: IterationMetrics[], options: CurveOptions = {}): Buffer {
  return encodePng(rasterizeScene(learningCurveScene(runId, metrics, options)));
}
