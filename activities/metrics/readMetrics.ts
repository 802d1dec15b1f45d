import { existsSync, readFileSync } from 'node:fs';
import { parseMetricsJsonl, type ParsedMetricsFile } from '../../core/metrics/metricsJsonl';
import { runMetricsPaths } from '../../core/metrics/metricsPaths';
import type { IterationMetrics } from '../../core/runStatus';

/** Parses one metrics.jsonl; a missing file holds no records. Bad lines come back as problems. */
export function readMetricsFile(file: string): ParsedMetricsFile {
  if (!existsSync(file)) return { records: [], problems: [] };
  return parseMetricsJsonl(readFileSync(file, 'utf8'), file);
}

/**
 * The run's iteration metrics from `<runsDir>/<runId>/metrics.jsonl` in file order. A corrupt line
 * is reported through `report` (`file:line: why`) and skipped; the other lines are still returned.
 */
export function readRunMetrics(
  runsDir: string,
  runId: string,
  report: (problem: string) => void = (p) => console.warn(`metrics: skipping corrupt line ${p}`),
): IterationMetrics[] {
  const { records, problems } = readMetricsFile(runMetricsPaths(runsDir, runId).metricsFile);
  problems.forEach(report);
  return records;
}
