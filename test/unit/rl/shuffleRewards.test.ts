import { shuffleRewards } from '../../../core/rl/shuffleRewards';

const outcomes = (rewards: (0 | 1)[], failedAt: number[] = []) =>
  rewards.map((r, i) => ({ id: i, status: failedAt.includes(i) ? 'failed' : 'completed', testReward: r }));

describe('shuffleRewards (control runs)', () => {
  const base = outcomes([1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);

  it('keeps the number of passing episodes and every other field', () => {
    const shuffled = shuffleRewards(base, 7);
    expect(shuffled.map((o) => o.id)).toEqual(base.map((o) => o.id));
    expect(shuffled.filter((o) => o.testReward === 1)).toHaveLength(base.filter((o) => o.testReward === 1).length);
  });

  it('moves rewards between episodes, the same way for the same seed and differently for another', () => {
    const a = shuffleRewards(base, 7).map((o) => o.testReward);
    expect(shuffleRewards(base, 7).map((o) => o.testReward)).toEqual(a);
    expect(a).not.toEqual(base.map((o) => o.testReward));
    const seeds = [1, 2, 3, 4, 5].map((s) => shuffleRewards(base, s).map((o) => o.testReward).join(''));
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('leaves failed episodes where they are, with their own (zero) reward', () => {
    const withFailures = outcomes([1, 0, 0, 1, 0, 0], [1, 4]);
    for (let seed = 0; seed < 20; seed++) {
      const shuffled = shuffleRewards(withFailures, seed);
      expect(shuffled[1]).toEqual(withFailures[1]);
      expect(shuffled[4]).toEqual(withFailures[4]);
      expect(shuffled.filter((o) => o.testReward === 1)).toHaveLength(2);
    }
  });

  it('does not modify its input', () => {
    const copy = JSON.parse(JSON.stringify(base));
    shuffleRewards(base, 3);
    expect(base).toEqual(copy);
  });
});
