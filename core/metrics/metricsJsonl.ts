import { describeIssues } from '../validation';
import { iterationMetricsSchema } from './metricsSchema';
import type { IterationMetrics } from '../runStatus';

export interface ParsedMetricsFile {
  records: IterationMetrics[];
  /** One message per unusable line: `<source>:<line>: <why>`. */
  problems: string[];
}

/** Parses metrics.jsonl text line by line; a bad line is reported and skipped, the others kept. */
export function parseMetricsJsonl(text: string, source: string): ParsedMetricsFile {
  const records: IterationMetrics[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${source}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push(`${where}: not JSON (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    const result = iterationMetricsSchema.safeParse(value);
    if (result.success) records.push(result.data);
    else problems.push(`${where}: ${describeIssues(result.error, 'metrics').join('; ')}`);
  });
  return { records, problems };
}

/** One JSON object per line, in the order given, with a final newline (empty text for none). */
export function metricsJsonl(records: IterationMetrics[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}
