import type { IterationMetrics } from '../../../core/runStatus';

/** A plausible iteration record; override what a test is about. */
export function iterationMetrics(overrides: Partial<IterationMetrics> = {}): IterationMetrics {
  return {
    runId: 'run-a',
    stage: 'stage-1',
    iteration: 1,
    policyVersion: 1,
    episodes: 64,
    failedEpisodes: 2,
    failureReasons: { sandbox_lost: 1, error: 1 },
    passRate: 0.25,
    meanReward: 0.25,
    filteredGroupFraction: 0.5,
    meanSteps: 12.5,
    submitRate: 0.8,
    formatErrorRate: 0.05,
    completionTokens: 123456,
    trainedTrajectories: 32,
    trainLoss: 0.125,
    clipFracLow: 0.01,
    clipFracHigh: 0.02,
    phaseSeconds: { rollout: 100, advantage: 1, train: 50, eval: 0 },
    evaluation: null,
    finishedAt: '2025-01-01T00:01:00.000Z',
    ...overrides,
  };
}

export const evaluation = (pass1: number, pass1Sem: number) => ({ tasks: 50, runs: 3, pass1, pass1Sem, passK: Math.min(1, pass1 + 0.1), meanSteps: 20, formatErrorRate: 0.01 });

/** `n` iterations of one stage, one minute apart from `startMinute`. */
export function stageRecords(stage: string, n: number, startMinute: number, extra: (i: number) => Partial<IterationMetrics> = () => ({})): IterationMetrics[] {
  return Array.from({ length: n }, (_, k) =>
    iterationMetrics({
      stage,
      iteration: k + 1,
      policyVersion: startMinute + k,
      passRate: (k + 1) / (n + 1),
      finishedAt: new Date(Date.UTC(2025, 0, 1, 0, startMinute + k)).toISOString(),
      ...extra(k),
    }),
  );
}
