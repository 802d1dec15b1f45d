import path from 'node:path';
import { runDir } from '../store/runPaths';

export interface RunMetricsPaths {
  metricsFile: string;
  csvFile: string;
}

/** Run ids as the run config allows them; anything else could name a folder outside runsDir. */
const RUN_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function isValidRunId(runId: string): boolean {
  return RUN_ID.test(runId) && runId !== '.' && runId !== '..';
}

/** `<runsDir>/<runId>/{metrics.jsonl, metrics.csv}`. */
export function runMetricsPaths(runsDir: string, runId: string): RunMetricsPaths {
  if (!isValidRunId(runId)) throw new Error(`bad run id ${JSON.stringify(runId)}`);
  const dir = runDir(runsDir, runId);
  return {
    metricsFile: path.join(dir, 'metrics.jsonl'),
    csvFile: path.join(dir, 'metrics.csv'),
  };
}
