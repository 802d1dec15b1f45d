import { failureReasonsCell, mergeMetrics, metricsCsv, metricsCsvHeader, metricsCsvRow } from '../../../core/metrics/metricsTable';
import { evaluation, iterationMetrics } from './fixtures';

const cellsOf = (row: string) => row.split(',');
const column = (name: string) => metricsCsvHeader().split(',').indexOf(name);

describe('metrics CSV', () => {
  it('has a fixed column order with flattened nested fields', () => {
    const header = metricsCsvHeader().split(',');
    expect(header.slice(0, 4)).toEqual(['runId', 'stage', 'iteration', 'policyVersion']);
    expect(header).toContain('phaseSeconds.rollout');
    expect(header).toContain('evaluation.pass1Sem');
    expect(header[header.length - 1]).toBe('finishedAt');
    expect(new Set(header).size).toBe(header.length);
  });

  it('writes one cell per column with nested values in their columns', () => {
    const row = cellsOf(metricsCsvRow(iterationMetrics({ evaluation: evaluation(0.4, 0.05), phaseSeconds: { rollout: 7, advantage: 1, train: 3, eval: 9 } })));
    expect(row).toHaveLength(metricsCsvHeader().split(',').length);
    expect(row[column('phaseSeconds.rollout')]).toBe('7');
    expect(row[column('phaseSeconds.eval')]).toBe('9');
    expect(row[column('evaluation.pass1')]).toBe('0.4');
    expect(row[column('evaluation.pass1Sem')]).toBe('0.05');
    expect(row[column('passRate')]).toBe('0.25');
    expect(row[column('finishedAt')]).toBe('2025-01-01T00:01:00.000Z');
  });

  it('leaves evaluation cells and null losses empty', () => {
    const row = cellsOf(metricsCsvRow(iterationMetrics({ evaluation: null, trainLoss: null })));
    expect(row[column('evaluation.tasks')]).toBe('');
    expect(row[column('evaluation.formatErrorRate')]).toBe('');
    expect(row[column('trainLoss')]).toBe('');
    expect(row[column('clipFracLow')]).toBe('0.01');
  });

  it('writes failure reasons as sorted reason:count pairs and quotes cells that need it', () => {
    expect(failureReasonsCell({ sandbox_lost: 3, error: 1 })).toBe('error:1;sandbox_lost:3');
    expect(failureReasonsCell({})).toBe('');
    const row = metricsCsvRow(iterationMetrics({ failureReasons: { 'bad, "odd"': 2 } }));
    expect(row).toContain(',"bad, ""odd"":2",');
  });

  it('puts the header first and ends every line with a newline', () => {
    const csv = metricsCsv([iterationMetrics(), iterationMetrics({ iteration: 2 })]);
    const lines = csv.split('\n');
    expect(lines[0]).toBe(metricsCsvHeader());
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(metricsCsv([])).toBe(`${metricsCsvHeader()}\n`);
  });
});

describe('mergeMetrics', () => {
  const first = iterationMetrics({ iteration: 1, finishedAt: '2025-01-01T00:01:00Z' });
  const second = iterationMetrics({ iteration: 2, finishedAt: '2025-01-01T00:02:00Z' });

  it('replaces the record of the same stage and iteration instead of adding one', () => {
    const retried = { ...second, passRate: 0.9 };
    const merged = mergeMetrics(mergeMetrics([first], second), retried);
    expect(merged).toHaveLength(2);
    expect(merged[1].passRate).toBe(0.9);
  });

  it('is idempotent: merging the same record again changes nothing', () => {
    const once = mergeMetrics([first], second);
    expect(mergeMetrics(once, second)).toEqual(once);
  });

  it('keeps records of other stages with the same iteration number', () => {
    const other = iterationMetrics({ stage: 'stage-2', iteration: 1, finishedAt: '2025-01-01T00:03:00Z' });
    expect(mergeMetrics([first], other).map((m) => `${m.stage}/${m.iteration}`)).toEqual(['stage-1/1', 'stage-2/1']);
  });

  it('sorts by finishedAt, then stage and iteration, without touching its input', () => {
    const early = iterationMetrics({ stage: 'rft', iteration: 0, finishedAt: '2025-01-01T00:00:00Z' });
    const sameTimeA = iterationMetrics({ stage: 'b', iteration: 3, finishedAt: '2025-01-01T00:05:00Z' });
    const sameTimeB = iterationMetrics({ stage: 'a', iteration: 4, finishedAt: '2025-01-01T00:05:00Z' });
    const existing = [second, sameTimeA, first];
    const merged = mergeMetrics(mergeMetrics(existing, sameTimeB), early);
    expect(merged.map((m) => `${m.stage}/${m.iteration}`)).toEqual(['rft/0', 'stage-1/1', 'stage-1/2', 'a/4', 'b/3']);
    expect(existing.map((m) => m.iteration)).toEqual([2, 3, 1]);
  });

  it('collapses duplicates already present, keeping the last', () => {
    const merged = mergeMetrics([first, { ...first, passRate: 0.7 }], second);
    expect(merged).toHaveLength(2);
    expect(merged[0].passRate).toBe(0.7);
  });
});
