/** Unbiased pass@k from n samples with c correct (Chen et al. 2021): 1 - C(n-c, k) / C(n, k). */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) throw new Error(`pass@${k} needs at least ${k} samples, got ${n}`);
  if (c < 0 || c > n) throw new Error(`correct count ${c} outside 0..${n}`);
  if (n - c < k) return 1;
  let failAll = 1;
  for (let i = n - c + 1; i <= n; i++) failAll *= 1 - k / i;
  return 1 - failAll;
}

export interface MeanWithError {
  mean: number;
  sem: number;
}

/** Mean and standard error of the mean (sample std / sqrt(n)); sem 0 for one value. */
export function meanAndStandardError(values: number[]): MeanWithError {
  if (values.length === 0) throw new Error('no values');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, sem: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, sem: Math.sqrt(variance / values.length) };
}

/**
 * Pass@1 as mean +- standard error over k evaluation runs, and Pass@k over the same samples.
 * `solved[t][r]` is whether task t was solved in run r.
 */
export function evaluationScores(solved: boolean[][], k: number): { pass1: MeanWithError; passK: number } {
  if (solved.length === 0) throw new Error('no tasks');
  const runs = solved[0].length;
  if (solved.some((row) => row.length !== runs)) throw new Error('every task needs the same number of runs');
  const perRun = Array.from({ length: runs }, (_, r) => solved.filter((row) => row[r]).length / solved.length);
  const passK = solved.reduce((a, row) => a + passAtK(runs, row.filter(Boolean).length, k), 0) / solved.length;
  return { pass1: meanAndStandardError(perRun), passK };
}
