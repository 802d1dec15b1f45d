import { seededRandom } from './seededSample';

/**
 * For control runs: the test rewards of the completed episodes, permuted among them with a
 * seeded shuffle, so each episode is credited with another episode's outcome. The pass rate is
 * unchanged, but which trajectories pass carries no information. Failed episodes (lost sandbox,
 * errors) keep their place and are not given a reward.
 */
export function shuffleRewards<T extends { status: string; testReward: 0 | 1 }>(outcomes: T[], seed: number): T[] {
  const completed = outcomes.map((o, i) => (o.status === 'completed' ? i : -1)).filter((i) => i >= 0);
  const rewards = completed.map((i) => outcomes[i].testReward);
  const random = seededRandom(seed);
  for (let i = rewards.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rewards[i], rewards[j]] = [rewards[j], rewards[i]];
  }
  const shuffled = outcomes.slice();
  completed.forEach((index, k) => {
    shuffled[index] = { ...outcomes[index], testReward: rewards[k] };
  });
  return shuffled;
}
