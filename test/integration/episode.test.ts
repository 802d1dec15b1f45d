import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { EpisodeSummary } from '../../activities/store/episodeActivities';
import { readTurns } from '../../activities/store/episodeStore';
import type { EpisodeInput } from '../../core/episodeInput';
import { TASK_QUEUES } from '../../core/taskQueues';
import { makeCalcTask } from './support/fixtureRepo';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { requireDocker } from './support/services';

// A whole episode through Temporal with every real part: the tiny model on the CPU policy server,
// a Docker sandbox with the repository and tools, the store, grading; then a task group of G.
describe('episode and taskGroup workflows (real dev server, Docker, CPU policy server)', () => {
  let services: PipelineServices;
  let docker: Docker;
  const { reposDir, task } = makeCalcTask();
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-runs-'));
  const runId = `ep-${randomUUID().slice(0, 8)}`;

  const taskFile = path.join(runsDir, 'tasks.json');
  writeFileSync(taskFile, JSON.stringify([task]));
  const shared = () => ({
    runsDir,
    runId,
    reposDir,
    policy: { serverUrl: services.server.url, model: 'policy', sampling: { temperature: 1, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1 }, requestTimeoutSeconds: 60 },
    limits: { maxTurns: 3, contextTokens: 4096, maxTokensPerTurn: 48, commandTimeoutSeconds: 20, maxObservationChars: 2000, testTimeoutSeconds: 60 },
  });

  beforeAll(async () => {
    docker = await requireDocker();
    services = await startPipelineServices({ trainer: false });
  });

  afterAll(async () => services?.stop());

  it('runs an episode to its end, stores every turn whole and leaves no container', async () => {
    const input: EpisodeInput = { ...shared(), task, episodeKey: 'single/fixture__calc-1/s0/a0', sample: 0, attempt: 0 };
    const summary = (await services.client.workflow.execute('episode', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/single`, args: [input] })) as EpisodeSummary;
    expect(summary.status).toBe('completed');
    expect(['submitted', 'turn_limit', 'context_limit']).toContain(summary.endReason);
    expect(summary.steps).toBeGreaterThan(0);
    expect(summary.steps).toBeLessThanOrEqual(3);
    expect(summary.completionTokens).toBeGreaterThan(0);
    const ref = { runsDir, runId, episodeKey: input.episodeKey };
    const turns = readTurns(ref);
    expect(turns).toHaveLength(summary.steps);
    for (const t of turns) {
      expect(t.policy.tokenIds.length).toBe(t.policy.logprobs.length);
      if (t.policy.action.kind !== 'submit') expect(t.observation).toMatch(/\(Current directory: .*\) bash-\$$/);
    }
    expect(turns.filter((t) => t.policy.action.kind === 'format_error')).toHaveLength(summary.formatErrors);
    expect(JSON.parse(readFileSync(path.join(runsDir, runId, 'episodes', input.episodeKey, 'summary.json'), 'utf8'))).toEqual(summary);
    const left = await docker.listContainers({ all: true, filters: { label: [`swe-rl.run=${runId}`] } });
    expect(left).toEqual([]);
  });

  it('runs G episodes of one task as children with readable ids', async () => {
    const summaries = (await services.client.workflow.execute('taskGroup', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: `${runId}/group`,
      args: [{ episode: shared(), taskFile, instanceId: task.instance_id, phase: 'group', samples: 3, concurrency: 2 }],
    })) as EpisodeSummary[];
    expect(summaries.map((s) => s.episodeKey)).toEqual(['group/fixture__calc-1/s0/a0', 'group/fixture__calc-1/s1/a0', 'group/fixture__calc-1/s2/a0']);
    const child = await services.client.workflow.getHandle(`${runId}/group/fixture__calc-1/s1/a0`).describe();
    expect(child.status.name).toBe('COMPLETED');
    expect(existsSync(path.join(runsDir, runId, 'episodes', 'group', 'fixture__calc-1'))).toBe(true);
    expect(readdirSync(path.join(runsDir, runId, 'episodes', 'group', 'fixture__calc-1')).sort()).toEqual(['s0', 's1', 's2']);
  });
});
