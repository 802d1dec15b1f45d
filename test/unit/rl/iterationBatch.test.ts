import { buildIterationBatch, rolloutMetrics, type EpisodeOutcome } from '../../../core/rl/iterationBatch';

const ep = (key: string, task: string, reward: 0 | 1, steps = 5, extra: Partial<EpisodeOutcome> = {}): EpisodeOutcome => ({
  episodeKey: key,
  instanceId: task,
  status: 'completed',
  endReason: reward ? 'submitted' : 'turn_limit',
  testReward: reward,
  steps,
  formatErrors: 0,
  completionTokens: 10,
  ...extra,
});

describe('buildIterationBatch', () => {
  it('computes advantages per task, drops groups without signal and excludes failed episodes', () => {
    const batch = buildIterationBatch(
      [
        ep('a1', 'A', 1), ep('a2', 'A', 0),
        ep('b1', 'B', 1), ep('b2', 'B', 1),
        ep('c1', 'C', 0), ep('c2', 'C', 0, 5, { status: 'failed', endReason: 'sandbox_lost' }),
      ],
      10,
      40,
    );
    expect(batch.groups).toBe(3);
    expect(batch.droppedGroups).toBe(2);
    expect(batch.excludedEpisodes).toBe(1);
    expect(batch.failureReasons).toEqual({ sandbox_lost: 1 });
    expect(batch.entries.map((e) => e.episodeKey)).toEqual(['a1', 'a2']);
    expect(batch.entries[0].advantage).toBeCloseTo(1, 5);
    expect(batch.entries[1].advantage).toBeCloseTo(-1, 5);
  });

  it('drops all-pass and all-fail groups on the test reward even when their lengths differ (the paper)', () => {
    const batch = buildIterationBatch(
      [ep('s', 'A', 1, 5), ep('l', 'A', 1, 25), ep('f1', 'B', 0, 5), ep('f2', 'B', 0, 40), ep('p', 'C', 1, 5), ep('q', 'C', 0, 5)],
      10,
      40,
    );
    expect(batch.droppedGroups).toBe(2);
    expect(batch.entries.map((e) => e.episodeKey)).toEqual(['p', 'q']);
  });

  it('takes the advantage from the shaped reward: of two passing samples in a mixed group the shorter gets more', () => {
    const batch = buildIterationBatch([ep('s', 'A', 1, 5), ep('l', 'A', 1, 25), ep('f', 'A', 0, 5)], 10, 40);
    expect(batch.droppedGroups).toBe(0);
    const advantage = (key: string) => batch.entries.find((e) => e.episodeKey === key)!.advantage;
    expect(advantage('s')).toBeGreaterThan(advantage('l'));
    expect(advantage('l')).toBeGreaterThan(advantage('f'));
    expect(batch.entries.find((e) => e.episodeKey === 'l')!.reward).toBeCloseTo(0.5);
  });
});

describe('rolloutMetrics', () => {
  it('reports pass rate, steps, submit rate and format-error rate', () => {
    const m = rolloutMetrics([ep('a', 'A', 1, 4), ep('b', 'A', 0, 6, { formatErrors: 2 })], 10, 40);
    expect(m).toMatchObject({ episodes: 2, passRate: 0.5, meanSteps: 5, submitRate: 0.5, formatErrorRate: 0.2, completionTokens: 20 });
  });
});
