export const ADVANTAGE_EPSILON = 1e-6;

/** Group-normalised advantages: (R - mean) / (std + 1e-6), population std over the group. */
export function groupAdvantages(rewards: number[]): number[] {
  if (rewards.length === 0) return [];
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const variance = rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / rewards.length;
  const std = Math.sqrt(variance);
  return rewards.map((r) => (r - mean) / (std + ADVANTAGE_EPSILON));
}

/** A group whose rewards are all equal carries no learning signal (all advantages are 0). */
export function hasSignal(rewards: number[], tolerance = 1e-9): boolean {
  return rewards.length > 1 && Math.max(...rewards) - Math.min(...rewards) > tolerance;
}

export interface GroupOutcome<T> {
  kept: { item: T; advantage: number }[];
  droppedGroups: number;
}

/**
 * Computes advantages per group from `rewards` and drops groups without signal, counting them.
 * The signal is `filterOn` when given (the paper: the test reward, so all-pass and all-fail
 * groups are dropped even when their lengths, and so their shaped rewards, differ), else `rewards`.
 */
export function advantagesByGroup<T>(groups: { items: T[]; rewards: number[]; filterOn?: number[] }[]): GroupOutcome<T> {
  const kept: { item: T; advantage: number }[] = [];
  let droppedGroups = 0;
  for (const group of groups) {
    if (group.items.length !== group.rewards.length) throw new Error('every item of a group needs exactly one reward');
    if (!hasSignal(group.filterOn ?? group.rewards)) {
      droppedGroups++;
      continue;
    }
    groupAdvantages(group.rewards).forEach((advantage, i) => kept.push({ item: group.items[i], advantage }));
  }
  return { kept, droppedGroups };
}
