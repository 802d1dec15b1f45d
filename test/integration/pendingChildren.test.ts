import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainingRunResult } from '../../workflows/trainingRun';
import { runProject } from './support/processes';
import { buildTinyModel, startPolicyServer, startTrainerWorker, type PythonProcess } from './support/pythonServices';
import { smallRunConfig, smallTaskSet } from './support/runFixture';
import { requireDocker } from './support/services';
import { startTestWorkers, type RunningWorkers } from './support/testWorkers';

// A dev server whose pending-children limit is lowered to 20 through its dynamic config; an
// iteration of 30 episodes completes because every workflow keeps its children in a window.
describe('an iteration with more episodes than the pending-children limit', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-limit-'));
  const env = {
    SWE_RL_STATE_DIR: path.join(dir, 'state'),
    SWE_RL_LOG_DIR: path.join(dir, 'logs'),
    TEMPORAL_DB_FILE: path.join(dir, 'temporal.sqlite'),
    TEMPORAL_FRONTEND_PORT: '17433',
    TEMPORAL_UI_PORT: '18433',
    SWE_RL_TEMPORAL_DYNAMIC_CONFIG: 'limit.numPendingChildExecutions.error=20',
  };
  const address = '127.0.0.1:17433';
  let server: PythonProcess & { url: string };
  let trainerWorker: PythonProcess;
  let workers: RunningWorkers;
  let client: Client;

  beforeAll(async () => {
    await requireDocker();
    expect(runProject('infra/temporal.sh', ['start'], env).status).toBe(0);
    const modelDir = buildTinyModel();
    [server, trainerWorker] = await Promise.all([startPolicyServer(modelDir), startTrainerWorker(address)]);
    (globalThis as { modelDir?: string }).modelDir = modelDir;
    workers = await startTestWorkers(address);
    client = new Client({ connection: await Connection.connect({ address }) });
  });

  afterAll(async () => {
    await workers?.stop();
    await client?.connection.close();
    await Promise.all([server?.stop(), trainerWorker?.stop()]);
    runProject('infra/down.sh', [], env);
  });

  it('completes 30 episodes (6 problems x G = 5) under a limit of 20 pending children', async () => {
    const pid = readFileSync(path.join(env.SWE_RL_STATE_DIR, 'temporal.pid'), 'utf8').trim();
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    expect(commandLine).toContain('--dynamic-config-value limit.numPendingChildExecutions.error=20');
    const tasks = smallTaskSet(6, 1);
    const config = smallRunConfig('limit-run', server.url, (globalThis as { modelDir?: string }).modelDir!, tasks, {
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations: 1, problemsPerIteration: 6, groupSize: 5, maxTurns: 2, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 8 }],
      evaluation: { everyIterations: 0, runs: 1, maxTurns: 1, contextTokens: 8192 },
      concurrency: { taskGroups: 6, episodesPerGroup: 5 },
    });
    const result = (await client.workflow.execute('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] })) as TrainingRunResult;
    expect(result.outcome).toBe('completed');
    expect((result.lastMetrics?.episodes ?? 0) + (result.lastMetrics?.failedEpisodes ?? 0)).toBe(30);
  });
});
