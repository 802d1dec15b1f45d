import { advantagesByGroup } from './advantages';
import { shapedReward } from './reward';

/** The small per-episode summary workflows pass around (the trajectory stays in the store). */
export interface EpisodeOutcome {
  episodeKey: string;
  instanceId: string;
  status: 'completed' | 'failed';
  endReason: string;
  testReward: 0 | 1;
  steps: number;
  formatErrors: number;
  completionTokens: number;
}

export interface BatchEntry {
  episodeKey: string;
  advantage: number;
  reward: number;
}

export interface IterationBatch {
  entries: BatchEntry[];
  groups: number;
  droppedGroups: number;
  excludedEpisodes: number;
  failureReasons: Record<string, number>;
}

/**
 * Rewards (test reward + length penalty), group-normalised advantages, and the paper's filter:
 * groups whose samples all pass or all fail are dropped (on the test reward, not the shaped one).
 * Failed episodes (sandbox lost after every retry, errors) are excluded from training and counted;
 * turn- and context-limit episodes are kept with reward 0 plus the penalty (the paper's choice).
 */
export function buildIterationBatch(
  outcomes: EpisodeOutcome[],
  lengthThreshold: number,
  maxTurns: number,
): IterationBatch {
  const byTask = new Map<string, EpisodeOutcome[]>();
  const failureReasons: Record<string, number> = {};
  let excludedEpisodes = 0;
  for (const o of outcomes) {
    if (o.status === 'failed') {
      excludedEpisodes++;
      failureReasons[o.endReason] = (failureReasons[o.endReason] ?? 0) + 1;
      continue;
    }
    byTask.set(o.instanceId, [...(byTask.get(o.instanceId) ?? []), o]);
  }
  const groups = [...byTask.values()].map((items) => ({
    items,
    rewards: items.map((o) => shapedReward(o.testReward, o.steps, lengthThreshold, maxTurns)),
    // Kept only when some samples pass and some fail: length differences alone are no signal.
    filterOn: items.map((o) => o.testReward),
  }));
  const { kept, droppedGroups } = advantagesByGroup(groups);
  const rewardOf = new Map(groups.flatMap((g) => g.items.map((o, i) => [o.episodeKey, g.rewards[i]] as const)));
  return {
    entries: kept.map(({ item, advantage }) => ({ episodeKey: item.episodeKey, advantage, reward: rewardOf.get(item.episodeKey) ?? 0 })),
    groups: groups.length,
    droppedGroups,
    excludedEpisodes,
    failureReasons,
  };
}

export interface RolloutMetrics {
  episodes: number;
  passRate: number;
  meanReward: number;
  meanSteps: number;
  submitRate: number;
  formatErrorRate: number;
  completionTokens: number;
}

/** Rollout statistics over completed episodes (failed ones are reported separately). */
export function rolloutMetrics(outcomes: EpisodeOutcome[], lengthThreshold: number, maxTurns: number): RolloutMetrics {
  const done = outcomes.filter((o) => o.status === 'completed');
  const n = Math.max(1, done.length);
  const steps = done.reduce((a, o) => a + o.steps, 0);
  return {
    episodes: done.length,
    passRate: done.filter((o) => o.testReward === 1).length / n,
    meanReward: done.reduce((a, o) => a + shapedReward(o.testReward, o.steps, lengthThreshold, maxTurns), 0) / n,
    meanSteps: steps / n,
    submitRate: done.filter((o) => o.endReason === 'submitted').length / n,
    formatErrorRate: done.reduce((a, o) => a + o.formatErrors, 0) / Math.max(1, steps),
    completionTokens: done.reduce((a, o) => a + o.completionTokens, 0),
  };
}
