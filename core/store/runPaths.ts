import path from 'node:path';

/**
 * Where a run's artifacts live (a directory by default; object storage later):
 *   <runsDir>/<runId>/episodes/<episodeKey>/{prompt.json, turns/0001.json, ..., patch.diff, grade.json, summary.json}
 *   <runsDir>/<runId>/batches/<name>.jsonl, metrics.jsonl, metrics.csv, learning_curve.svg
 */
export function runDir(runsDir: string, runId: string): string {
  return path.join(runsDir, runId);
}

/** Episode keys are readable workflow-id-like paths: `it-0003/swe-rl-builtin__stats-1/s2/a0`. */
export function episodeDir(runsDir: string, runId: string, episodeKey: string): string {
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(episodeKey) || episodeKey.split('/').some((p) => p === '..' || p === '.')) {
    throw new Error(`bad episode key ${JSON.stringify(episodeKey)}`);
  }
  return path.join(runDir(runsDir, runId), 'episodes', episodeKey);
}

export function turnFile(dir: string, turn: number, part: 'policy' | 'observation' | 'started'): string {
  return path.join(dir, 'turns', `${String(turn).padStart(4, '0')}.${part}.json`);
}

export function batchFile(runsDir: string, runId: string, name: string): string {
  return path.join(runDir(runsDir, runId), 'batches', `${name}.jsonl`);
}
