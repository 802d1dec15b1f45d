import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordIterationMetrics } from '../../activities/metrics';
import { readRunMetrics } from '../../activities/metrics/readMetrics';
import { metricsCsvHeader } from '../../core/metrics/metricsTable';
import { evaluation, iterationMetrics } from '../unit/metrics/fixtures';

describe('recordIterationMetrics (files in a temporary runs folder)', () => {
  let runsDir: string;
  beforeEach(() => {
    runsDir = mkdtempSync(path.join(tmpdir(), 'swe-rl-metrics-'));
  });
  afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

  it('writes metrics.jsonl and metrics.csv, replaces a retried iteration and adds a new one', async () => {
    const first = iterationMetrics({ iteration: 1, passRate: 0.2 });
    const files = await recordIterationMetrics({ runsDir, runId: 'run-a', metrics: first });
    expect(files).toEqual({
      metricsFile: path.join(runsDir, 'run-a', 'metrics.jsonl'),
      csvFile: path.join(runsDir, 'run-a', 'metrics.csv'),
    });
    const csvAfterFirst = readFileSync(files.csvFile, 'utf8');

    // the activity is retried with the same iteration: same files; a corrected record replaces the line
    await recordIterationMetrics({ runsDir, runId: 'run-a', metrics: first });
    expect(readFileSync(files.csvFile, 'utf8')).toBe(csvAfterFirst);
    await recordIterationMetrics({ runsDir, runId: 'run-a', metrics: { ...first, passRate: 0.3 } });
    expect(lines(files.metricsFile)).toHaveLength(1);

    const second = iterationMetrics({ iteration: 2, passRate: 0.4, finishedAt: '2025-01-01T00:02:00.000Z', evaluation: evaluation(0.35, 0.05) });
    await recordIterationMetrics({ runsDir, runId: 'run-a', metrics: second });

    const records = readRunMetrics(runsDir, 'run-a');
    expect(records.map((r) => [r.iteration, r.passRate])).toEqual([[1, 0.3], [2, 0.4]]);
    expect(lines(files.metricsFile)).toHaveLength(2);

    const csv = lines(files.csvFile);
    expect(csv).toHaveLength(3);
    expect(csv[0]).toBe(metricsCsvHeader());
    expect(new Set(csv).size).toBe(3);
    expect(csv[1]).toMatch(/^run-a,stage-1,1,/);
    expect(csv[2]).toMatch(/^run-a,stage-1,2,/);

    // atomic writes leave no temporary files behind; the learning curve is the trainer's (swe_rl_trainer.plots)
    expect(readdirSync(path.join(runsDir, 'run-a')).sort()).toEqual(['metrics.csv', 'metrics.jsonl']);
  });

  it('reports a corrupt line with file and line number, keeps the others and backs the file up before rewriting', async () => {
    const { metricsFile } = await recordIterationMetrics({ runsDir, runId: 'run-a', metrics: iterationMetrics({ iteration: 1 }) });
    appendFileSync(metricsFile, '{"truncated": \n');
    appendFileSync(metricsFile, `${JSON.stringify(iterationMetrics({ iteration: 2, finishedAt: '2025-01-01T00:02:00Z' }))}\n`);

    const problems: string[] = [];
    expect(readRunMetrics(runsDir, 'run-a', (p) => problems.push(p)).map((r) => r.iteration)).toEqual([1, 2]);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${metricsFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not JSON`))]);

    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await recordIterationMetrics({ runsDir, runId: 'run-a', metrics: iterationMetrics({ iteration: 3, finishedAt: '2025-01-01T00:03:00Z' }) });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${metricsFile}:2`));
    } finally {
      warn.mockRestore();
    }
    expect(lines(metricsFile).map((l) => JSON.parse(l).iteration)).toEqual([1, 2, 3]);
    const backups = readdirSync(path.join(runsDir, 'run-a')).filter((f) => f.startsWith('metrics.jsonl.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(runsDir, 'run-a', backups[0]), 'utf8')).toContain('{"truncated": ');
  });

  it('refuses metrics of another run, invalid figures and run ids that leave the runs folder', async () => {
    await expect(recordIterationMetrics({ runsDir, runId: 'run-b', metrics: iterationMetrics() })).rejects.toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    await expect(recordIterationMetrics({ runsDir, runId: 'run-a', metrics: { ...iterationMetrics(), passRate: 2 } })).rejects.toThrow(/metrics\.passRate/);
    await expect(recordIterationMetrics({ runsDir, runId: '../x', metrics: iterationMetrics({ runId: '../x' }) })).rejects.toThrow(/bad run id/);
    expect(readdirSync(runsDir)).toEqual([]);
  });
});
