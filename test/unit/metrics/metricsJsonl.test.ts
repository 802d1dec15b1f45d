import { metricsJsonl, parseMetricsJsonl } from '../../../core/metrics/metricsJsonl';
import { iterationMetrics } from './fixtures';

describe('metrics.jsonl parsing', () => {
  it('round-trips records', () => {
    const records = [iterationMetrics(), iterationMetrics({ iteration: 2, trainLoss: null })];
    expect(parseMetricsJsonl(metricsJsonl(records), 'm.jsonl')).toEqual({ records, problems: [] });
  });

  it('reports bad lines with file and line number and keeps the good ones', () => {
    const good = JSON.stringify(iterationMetrics());
    const wrongType = JSON.stringify({ ...iterationMetrics({ iteration: 3 }), passRate: 'high' });
    const text = [good, '{"runId": "run-a", "stage"', '', wrongType, JSON.stringify(iterationMetrics({ iteration: 2 }))].join('\n');
    const { records, problems } = parseMetricsJsonl(text, '/runs/r/metrics.jsonl');
    expect(records.map((r) => r.iteration)).toEqual([1, 2]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^\/runs\/r\/metrics\.jsonl:2: not JSON/);
    expect(problems[1]).toMatch(/^\/runs\/r\/metrics\.jsonl:4: .*metrics\.passRate/);
  });

  it('writes nothing for no records', () => {
    expect(metricsJsonl([])).toBe('');
    expect(parseMetricsJsonl('\n\n', 'x')).toEqual({ records: [], problems: [] });
  });
});
