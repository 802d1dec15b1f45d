import type { IterationMetrics } from '../runStatus';
import { compareMetrics } from './metricsTable';

/** The stage name the rejection fine-tuning phase records under. */
export const RFT_STAGE = 'rft';

export interface CurvePoint {
  /** Position on the run-wide iteration axis (RFT ends at 0, RL iterations count from 1). */
  x: number;
  stage: string;
  iteration: number;
  passRate: number;
  filteredGroupFraction: number;
  evaluation: { pass1: number; sem: number } | null;
}

/** The x range a stage (or the RFT phase) covers, both ends inclusive. */
export interface StageSpan {
  stage: string;
  first: number;
  last: number;
}

export interface CurveData {
  points: CurvePoint[];
  stages: StageSpan[];
}

/**
 * Places every record on one iteration axis: the RFT phase first (its last point at x = 0), then
 * the RL stages in `stageOrder` (stages it does not name follow in order of their first finished
 * iteration). Iteration numbers that count over the whole run (as trainingRun's do) are used as
 * they are; a stage whose numbers restart (would overlap the stage before) is moved to start after
 * it, and a stage numbered from 0 is shifted by one. Gaps (missing iterations) stay visible.
 */
export function curveData(metrics: IterationMetrics[], stageOrder: string[] = []): CurveData {
  const sorted = [...metrics].sort(compareMetrics);
  const byStage = new Map<string, IterationMetrics[]>();
  for (const m of sorted) byStage.set(m.stage, [...(byStage.get(m.stage) ?? []), m]);

  const rl = [...byStage.keys()].filter((s) => s !== RFT_STAGE);
  const ordered = [...stageOrder.filter((s) => rl.includes(s)), ...rl.filter((s) => !stageOrder.includes(s))];
  const segments = byStage.has(RFT_STAGE) ? [RFT_STAGE, ...ordered] : ordered;

  const points: CurvePoint[] = [];
  const stages: StageSpan[] = [];
  let previousLast = 0;
  for (const stage of segments) {
    const records = [...(byStage.get(stage) ?? [])].sort((a, b) => a.iteration - b.iteration);
    const first = records[0].iteration;
    const last = records[records.length - 1].iteration;
    const shift = first === 0 ? 1 : 0;
    // RFT comes before RL iteration 1 and ends at x = 0.
    const offset = stage === RFT_STAGE ? -(last + shift) : first + shift <= previousLast ? previousLast : 0;
    for (const r of records) {
      points.push({
        x: offset + r.iteration + shift,
        stage,
        iteration: r.iteration,
        passRate: r.passRate,
        filteredGroupFraction: r.filteredGroupFraction,
        evaluation: r.evaluation ? { pass1: r.evaluation.pass1, sem: r.evaluation.pass1Sem } : null,
      });
    }
    const span = { stage, first: offset + first + shift, last: offset + last + shift };
    stages.push(span);
    previousLast = span.last;
  }
  return { points, stages };
}
