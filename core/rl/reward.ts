/**
 * The paper's step-length penalty: 0 below L_thr steps, then growing linearly to -1 at T_max:
 * (L_thr - steps) / (T_max - L_thr).
 */
export function lengthPenalty(steps: number, lengthThreshold: number, maxTurns: number): number {
  if (maxTurns <= lengthThreshold) throw new Error(`T_max (${maxTurns}) must exceed L_thr (${lengthThreshold})`);
  if (steps < lengthThreshold) return 0;
  return (lengthThreshold - steps) / (maxTurns - lengthThreshold);
}

/** Binary test reward plus the length penalty. */
export function shapedReward(testReward: 0 | 1, steps: number, lengthThreshold: number, maxTurns: number): number {
  return testReward + lengthPenalty(steps, lengthThreshold, maxTurns);
}
