import type { IterationMetrics } from '../../core/runStatus';

/** A finished iteration's figures, one line. */
export function metricsLine(m: IterationMetrics): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const evaluation = m.evaluation ? ` | eval Pass@1 ${pct(m.evaluation.pass1)} +- ${pct(m.evaluation.pass1Sem)}, Pass@${m.evaluation.runs} ${pct(m.evaluation.passK)}` : '';
  return (
    `${m.stage} #${m.iteration}: pass ${pct(m.passRate)}, reward ${m.meanReward.toFixed(3)}, steps ${m.meanSteps.toFixed(1)}, ` +
    `submit ${pct(m.submitRate)}, format errors ${pct(m.formatErrorRate)}, filtered groups ${pct(m.filteredGroupFraction)}, ` +
    `failed ${m.failedEpisodes}, trained ${m.trainedTrajectories}, ` +
    `time rollout ${m.phaseSeconds.rollout.toFixed(0)}s train ${m.phaseSeconds.train.toFixed(0)}s${evaluation}`
  );
}
