import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { statusCommand, type LiveStatusSource, type StatusDeps } from '../../../cli/commands/status';
import { metricsJsonl } from '../../../core/metrics/metricsJsonl';
import type { TrainingStatus } from '../../../core/runStatus';
import { iterationMetrics } from './fixtures';

describe('swe-rl status', () => {
  let runsDir: string;
  beforeEach(() => {
    runsDir = mkdtempSync(path.join(tmpdir(), 'swe-rl-status-'));
  });
  afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

  const run = async (source: () => Promise<LiveStatusSource>, runId = 'run-a') => {
    let out = '';
    let closed = 0;
    const deps: StatusDeps = {
      connect: async () => {
        const s = await source();
        return { ...s, close: async () => void closed++ };
      },
      print: (t) => (out += t),
      timeoutMs: 200,
    };
    const code = await statusCommand({ runId, runsDir }, deps);
    return { code, out, closed };
  };
  const writeMetrics = (text: string) => {
    mkdirSync(path.join(runsDir, 'run-a'), { recursive: true });
    writeFileSync(path.join(runsDir, 'run-a', 'metrics.jsonl'), text);
  };
  const never = () => new Promise<never>(() => undefined);

  it('names the trainer process that holds the run', async () => {
    writeMetrics(metricsJsonl([iterationMetrics({ iteration: 1 })]));
    writeFileSync(path.join(runsDir, 'run-a', 'trainer.owner.json'), JSON.stringify({ worker_id: 'gpu-7-4242-ab12', task_queue: 'swe-rl-trainer@gpu-7-4242-ab12', host: 'gpu-7', pid: 4242 }));
    const result = await run(async () => ({ queryStatus: () => Promise.reject(new WorkflowNotFoundError('gone', 'run-a', undefined)), close: async () => undefined }));
    expect(result.out).toContain('trainer: last taken by gpu-7-4242-ab12 (host gpu-7, pid 4242), steps on swe-rl-trainer@gpu-7-4242-ab12');
  });

  it('prints the file table and says when the workflow is not on the server', async () => {
    writeMetrics(metricsJsonl([iterationMetrics({ iteration: 1 }), iterationMetrics({ iteration: 2, finishedAt: '2025-01-01T00:02:00Z' })]));
    const result = await run(async () => ({
      queryStatus: async (id) => {
        throw new WorkflowNotFoundError('not found', id, undefined);
      },
      close: async () => undefined,
    }));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^stage\s+iter/m);
    expect(result.out.match(/^stage-1\s+\d/gm)).toHaveLength(2);
    expect(result.out).toContain('no workflow run-a on the Temporal server');
    expect(result.closed).toBe(1);
  });

  it('prints the live status when the query answers', async () => {
    const status = { runId: 'run-a', phase: 'rl', stage: 's1', stageIndex: 0, iteration: 4, totalIterations: 9, policyVersion: 5, checkpointPath: null, paused: false, draining: true, episodesDone: 1, episodesTotal: 2, lastMetrics: null, failuresByReason: {}, pausedReason: null } satisfies TrainingStatus;
    const queried: string[] = [];
    const result = await run(async () => ({ queryStatus: async (id) => (queried.push(id), status), close: async () => undefined }));
    expect(queried).toEqual(['run-a']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('no iterations recorded yet');
    expect(result.out).toContain('live status (workflow run-a):\nphase rl, stage s1 (#1), iteration 4/9, policy v5  [DRAINING]');
  });

  it('still prints the table when the server is down or does not answer, and reports corrupt lines', async () => {
    writeMetrics(`${metricsJsonl([iterationMetrics()])}not json\n`);
    const down = await run(async () => {
      throw new Error('connection refused');
    });
    expect(down.code).toBe(0);
    expect(down.out).toMatch(/^stage-1\s+1\s+v1/m);
    expect(down.out).toContain('live status unavailable: connection refused');
    expect(down.out).toMatch(/warning: skipped corrupt line .*metrics\.jsonl:2: not JSON/);

    const silent = await run(never);
    expect(silent.out).toContain('live status unavailable: the Temporal server did not answer');
    const hung = await run(async () => ({ queryStatus: never, close: async () => undefined }));
    expect(hung.out).toContain('the status query of workflow run-a did not answer');
    expect(hung.closed).toBe(1);
  });

  it('fails when there is neither a metrics file nor a workflow, and on a bad run id', async () => {
    const result = await run(async () => {
      throw new Error('connection refused');
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain('no iterations recorded yet');
    await expect(run(async () => never(), '../etc')).rejects.toThrow(/bad run id/);
  });
});
