import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainingRunResult } from '../../workflows/trainingRun';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { isolatedTemporal, runProject } from './support/processes';
import { smallRunConfig, smallTaskSet } from './support/runFixture';
import { requireDocker } from './support/services';

// A dev server whose pending-children limit is lowered to 20 through its dynamic config; an
// iteration of 30 episodes completes because every workflow keeps its children in a window.
describe('an iteration with more episodes than the pending-children limit', () => {
  const { env, address } = isolatedTemporal(17433, 18433, { SWE_RL_TEMPORAL_DYNAMIC_CONFIG: 'limit.numPendingChildExecutions.error=20' }, 'dev');
  let services: PipelineServices;

  beforeAll(async () => {
    await requireDocker();
    expect(runProject('infra/temporal.sh', ['start'], env).status).toBe(0);
    services = await startPipelineServices({ address });
  });

  afterAll(async () => {
    await services?.stop();
    runProject('infra/down.sh', [], env);
  });

  it('completes 30 episodes (6 problems x G = 5) under a limit of 20 pending children', async () => {
    const pid = readFileSync(path.join(env.SWE_RL_STATE_DIR, 'temporal.pid'), 'utf8').trim();
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    expect(commandLine).toContain('--dynamic-config-value limit.numPendingChildExecutions.error=20');
    const tasks = smallTaskSet(6, 1);
    const config = smallRunConfig('limit-run', services.server.url, services.modelDir, tasks, {
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations: 1, problemsPerIteration: 6, groupSize: 5, maxTurns: 2, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 8 }],
      evaluation: { everyIterations: 0, runs: 1, maxTurns: 1, contextTokens: 8192 },
      concurrency: { taskGroups: 6, episodesPerGroup: 5 },
    });
    const result = (await services.client.workflow.execute('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] })) as TrainingRunResult;
    expect(result.outcome).toBe('completed');
    expect((result.lastMetrics?.episodes ?? 0) + (result.lastMetrics?.failedEpisodes ?? 0)).toBe(30);
  });
});
