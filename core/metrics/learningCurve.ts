import type { IterationMetrics } from '../runStatus';
import { learningCurveScene, type CurveOptions } from './curveLayout';
import { sceneToSvg } from './svg';

export type { CurveOptions } from './curveLayout';

/**
 * The run's learning curve as an SVG document: rollout pass rate (line), eval Pass@1 with +-SEM
 * error bars (points), filtered-group fraction (dashed), stage boundaries, axes and legend.
 */
export function learningCurveSvg(runId: string, metrics: IterationMetrics[], options: CurveOptions = {}): string {
  return sceneToSvg(learningCurveScene(runId, metrics, options));
}
