import { copyFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { metricsJsonl } from '../../core/metrics/metricsJsonl';
import { isValidRunId, runMetricsPaths, type RunMetricsPaths } from '../../core/metrics/metricsPaths';
import { iterationMetricsSchema } from '../../core/metrics/metricsSchema';
import { mergeMetrics, metricsCsv } from '../../core/metrics/metricsTable';
import type { IterationMetrics } from '../../core/runStatus';
import { describeIssues } from '../../core/validation';
import { writeFileAtomic } from './atomicWrite';
import { readMetricsFile } from './readMetrics';

export interface RecordIterationMetricsInput {
  runsDir: string;
  runId: string;
  metrics: IterationMetrics;
}

function invalid(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'InvalidInput');
}

/**
 * Adds one iteration's metrics to the run (replacing an earlier record of the same stage and
 * iteration, so a retry changes nothing) and rewrites metrics.jsonl and metrics.csv, each
 * atomically. Corrupt lines of an existing metrics.jsonl are reported and kept in a
 * `metrics.jsonl.corrupt-<time>` copy before the rewrite. The learning curve is drawn from
 * metrics.jsonl by the trainer's Python (swe_rl_trainer.plots).
 */
export async function recordIterationMetrics(input: RecordIterationMetricsInput): Promise<RunMetricsPaths> {
  if (!isValidRunId(input.runId)) invalid(`bad run id ${JSON.stringify(input.runId)}`);
  const parsed = iterationMetricsSchema.safeParse(input.metrics);
  if (!parsed.success) invalid(`invalid metrics: ${describeIssues(parsed.error, 'metrics').join('; ')}`);
  if (parsed.data.runId !== input.runId) invalid(`metrics of run ${parsed.data.runId} sent to run ${input.runId}`);

  const paths = runMetricsPaths(input.runsDir, input.runId);
  const existing = readMetricsFile(paths.metricsFile);
  if (existing.problems.length > 0) {
    const backup = `${paths.metricsFile}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    copyFileSync(paths.metricsFile, backup);
    for (const p of existing.problems) console.warn(`metrics: dropping corrupt line ${p} (original kept in ${backup})`);
  }

  const merged = mergeMetrics(existing.records, parsed.data);
  writeFileAtomic(paths.metricsFile, metricsJsonl(merged));
  writeFileAtomic(paths.csvFile, metricsCsv(merged));
  return paths;
}
