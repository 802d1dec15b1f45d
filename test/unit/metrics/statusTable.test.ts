import { formatMetricsTable, formatTrainingStatus } from '../../../core/metrics/statusTable';
import type { TrainingStatus } from '../../../core/runStatus';
import { evaluation, iterationMetrics } from './fixtures';

describe('status table', () => {
  it('prints a header and one aligned line per iteration', () => {
    const text = formatMetricsTable([
      iterationMetrics({ stage: 'rft', iteration: 1, policyVersion: 1, passRate: 0.125, evaluation: evaluation(0.42, 0.031) }),
      iterationMetrics({ stage: 'stage-1', iteration: 12, policyVersion: 13, passRate: 0.5, meanReward: -0.25, failedEpisodes: 3, episodes: 128 }),
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0].split(/\s{2,}/)).toEqual(['stage', 'iter', 'policy', 'pass', 'reward', 'filtered', 'steps', 'fmt err', 'failed', 'eval pass@1']);
    expect(lines[1].split(/\s{2,}/)).toEqual(['rft', '1', 'v1', '12.5%', '0.250', '50.0%', '12.5', '5.0%', '2/64', '42.0% +- 3.1']);
    expect(lines[2].split(/\s{2,}/)).toEqual(['stage-1', '12', 'v13', '50.0%', '-0.250', '50.0%', '12.5', '5.0%', '3/128', '-']);
    // right-aligned numbers: the pass column ends at the same place on every line
    const passEnd = (line: string, cell: string) => line.indexOf(cell) + cell.length;
    expect(passEnd(lines[1], '12.5%')).toBe(passEnd(lines[2], '50.0%'));
    expect(passEnd(lines[0], 'pass')).toBe(passEnd(lines[1], '12.5%'));
  });

  it('says when there is nothing yet', () => {
    expect(formatMetricsTable([])).toBe('no iterations recorded yet\n');
  });
});

describe('live status', () => {
  const status: TrainingStatus = {
    runId: 'run-a',
    phase: 'rl',
    stage: 'stage-2',
    stageIndex: 1,
    iteration: 3,
    totalIterations: 20,
    policyVersion: 17,
    checkpointPath: '/runs/run-a/checkpoints/step-17',
    paused: true,
    draining: false,
    episodesDone: 16,
    episodesTotal: 64,
    lastMetrics: iterationMetrics({ stage: 'stage-2', iteration: 2, evaluation: evaluation(0.3, 0.02) }),
    failuresByReason: {},
    pausedReason: null,
  };

  it('shows why a run paused itself and its failures by reason', () => {
    const text = formatTrainingStatus({ ...status, pausedReason: 'run it-0003: 9 of 16 episodes failed', failuresByReason: { grading_error: 1, host_lost: 8, sandbox_lost: 0 } });
    expect(text).toContain('paused because run it-0003: 9 of 16 episodes failed;');
    expect(text).toContain('failed episodes so far: host_lost 8, grading_error 1\n');
  });

  it('shows phase, stage, progress, checkpoint, flags and the last iteration', () => {
    const text = formatTrainingStatus(status);
    expect(text).toContain('phase rl, stage stage-2 (#2), iteration 3/20, policy v17  [PAUSED]');
    expect(text).toContain('episodes 16/64 (25.0%)');
    expect(text).toContain('checkpoint /runs/run-a/checkpoints/step-17');
    expect(text).toContain('last finished: stage-2 iteration 2, pass 25.0%, reward 0.250, eval pass@1 30.0% +- 2.0');
  });

  it('copes with a run that has not started an iteration', () => {
    const text = formatTrainingStatus({ ...status, phase: 'starting', stage: null, paused: false, checkpointPath: null, episodesTotal: 0, episodesDone: 0, lastMetrics: null });
    expect(text).toBe('phase starting, iteration 3/20, policy v17\ncheckpoint (none yet)\n');
  });
});
