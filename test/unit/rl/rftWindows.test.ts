import { addCounts, countOutcomes, DEFAULT_HISTORY_BOUND, emptyCounts, rftWindowsPerExecution, rftWindowTasks, rolloutFigures, windowBytesPerTask, WINDOW_EVENTS_PER_TASK, WINDOW_FIXED_EVENTS, windowRange } from '../../../core/rl/rftWindows';
import type { EpisodeOutcome } from '../../../core/rl/iterationBatch';

const outcome = (key: string, over: Partial<EpisodeOutcome> = {}): EpisodeOutcome => ({
  episodeKey: key, instanceId: key.split('/')[1], status: 'completed', endReason: 'submitted', testReward: 1, steps: 3, formatErrors: 1, completionTokens: 10, ...over,
});

describe('RFT window sizes', () => {
  it('sizes a window so its worst-case events and bytes stay under the bound', () => {
    for (const samples of [1, 2, 10, 64]) {
      for (const bound of [DEFAULT_HISTORY_BOUND, { events: 1_200, bytes: 4 * 1024 * 1024 }, { events: 51_200, bytes: 50 * 1024 * 1024 }]) {
        const tasks = rftWindowTasks(samples, bound);
        expect(tasks).toBeGreaterThanOrEqual(1);
        expect(WINDOW_FIXED_EVENTS + tasks * WINDOW_EVENTS_PER_TASK).toBeLessThanOrEqual(bound.events);
        expect(tasks * windowBytesPerTask(samples)).toBeLessThanOrEqual(bound.bytes);
        // One more task would pass one of the two.
        expect(WINDOW_FIXED_EVENTS + (tasks + 1) * WINDOW_EVENTS_PER_TASK > bound.events || (tasks + 1) * windowBytesPerTask(samples) > bound.bytes).toBe(true);
      }
    }
    expect(rftWindowsPerExecution(DEFAULT_HISTORY_BOUND)).toBeGreaterThan(1);
  });

  it('covers every task exactly once with its ranges', () => {
    const tasks = 7_249;
    const size = rftWindowTasks(10);
    const seen: number[] = [];
    for (let w = 0; w < Math.ceil(tasks / size); w++) {
      const { start, end } = windowRange(w, size, tasks);
      for (let i = start; i < end; i++) seen.push(i);
    }
    expect(seen).toEqual(Array.from({ length: tasks }, (_, i) => i));
  });
});

describe('RFT window counts', () => {
  it('counts a window and sums windows to what one pass over every outcome gives', () => {
    const a = [outcome('rft/t1/s0/a0'), outcome('rft/t1/s1/a0', { testReward: 0, endReason: 'turn_limit', steps: 5, formatErrors: 0 }), outcome('rft/t2/s0/a0', { status: 'failed', endReason: 'sandbox_lost', testReward: 0 })];
    const b = [outcome('rft/t3/s0/a0', { status: 'failed', endReason: 'sandbox_lost', testReward: 0 }), outcome('rft/t3/s1/a0', { steps: 2 })];
    const credited = a.map((o, i) => (i === 0 ? { ...o, testReward: 0 as const } : i === 1 ? { ...o, testReward: 1 as const } : o));
    const ca = countOutcomes(4, a, credited, { sandbox_lost: 1 });
    expect(ca).toMatchObject({ total: 4, done: 3, failed: 1, failures: { sandbox_lost: 1 }, retried: { sandbox_lost: 1 }, completed: 2, passed: 1, passing: 1, submitted: 1, steps: 8, formatErrors: 1, completionTokens: 20 });
    const sum = addCounts(addCounts(emptyCounts(), ca), countOutcomes(2, b, b, {}));
    expect(sum).toMatchObject({ total: 6, done: 5, failed: 2, failures: { sandbox_lost: 2 }, completed: 3, passed: 2, passing: 2, steps: 10 });
    const figures = rolloutFigures(sum);
    expect(figures.passRate).toBeCloseTo(2 / 3);
    expect(figures.meanSteps).toBeCloseTo(10 / 3);
    expect(figures.formatErrorRate).toBeCloseTo(2 / 10);
  });
});
