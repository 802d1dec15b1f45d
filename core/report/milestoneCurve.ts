import type { EvaluationSummary, IterationMetrics } from '../runStatus';

/**
 * The run's iteration metrics with the milestone evaluations attached where they happened: the
 * RFT evaluation on the RFT record, the final (RL) evaluation on the last iteration, so the
 * learning curve shows eval Pass@1 +- SEM beside the rollout pass rate.
 */
export function withMilestoneEvaluations(
  metrics: IterationMetrics[],
  evaluations: { rft?: EvaluationSummary | null; rl?: EvaluationSummary | null },
): IterationMetrics[] {
  const rlRecords = metrics.filter((m) => m.stage !== 'rft');
  const last = rlRecords.reduce<IterationMetrics | null>((a, m) => (a === null || m.iteration > a.iteration ? m : a), null);
  return metrics.map((m) => {
    if (m.stage === 'rft' && evaluations.rft) return { ...m, evaluation: evaluations.rft };
    if (m === last && evaluations.rl) return { ...m, evaluation: evaluations.rl };
    return m;
  });
}
