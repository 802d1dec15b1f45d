import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EpisodeSummary } from '../../activities/store/episodeActivities';
import { readTurns } from '../../activities/store/episodeStore';
import type { EpisodeInput } from '../../core/episodeInput';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { Task } from '../../core/tasks/taskSchema';
import { makeCalcTask } from './support/fixtureRepo';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { PYTHON, startPolicyServer, type StartedProcess } from './support/pythonServices';
import { smallTaskSet } from './support/runFixture';

// Whole episodes without a model that can solve them: the policy server plays each task's gold
// patch as agent commands (look, `git apply`, submit) through the real API; the episode workflow
// runs them in real sandboxes and grades the submission in a fresh container.
describe('the scripted policy plays gold patches through whole episodes', () => {
  let services: PipelineServices;
  let scripted: StartedProcess & { url: string };
  const suite = smallTaskSet(3, 1);
  const calc = makeCalcTask();
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-scripted-'));
  const runId = `scripted-${randomUUID().slice(0, 8)}`;
  const tasks: { task: Task; reposDir: string }[] = [
    ...readFileSync(suite.trainFile, 'utf8').trim().split('\n').map((l) => ({ task: JSON.parse(l) as Task, reposDir: suite.reposDir })),
    { task: calc.task, reposDir: calc.reposDir },
  ];

  beforeAll(async () => {
    const taskFile = path.join(runsDir, 'tasks.jsonl');
    writeFileSync(taskFile, tasks.map((t) => JSON.stringify(t.task)).join('\n') + '\n');
    const scriptFile = path.join(runsDir, 'script.json');
    const written = spawnSync(PYTHON, ['-m', 'swe_rl_trainer.scripted_policy', '--tasks', taskFile, '--out', scriptFile], { encoding: 'utf8' });
    if (written.status !== 0) throw new Error(written.stderr);
    services = await startPipelineServices({ trainer: false });
    scripted = await startPolicyServer(services.modelDir, ['--script', scriptFile]);
  });

  afterAll(async () => {
    await scripted?.stop();
    await services?.stop();
  });

  it('resolves every task: submitted, graded in a fresh container, reward 1', async () => {
    const summaries = await Promise.all(tasks.map(async ({ task, reposDir }) => {
      const input: EpisodeInput = {
        runsDir, runId, reposDir, task, episodeKey: `scripted/${task.instance_id}/s0/a0`, sample: 0, attempt: 0,
        promptStyle: 'compact',
        policy: { serverUrl: scripted.url, model: 'policy', sampling: { temperature: 1, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1 }, requestTimeoutSeconds: 60 },
        limits: { maxTurns: 5, contextTokens: 4096, maxTokensPerTurn: 1024, commandTimeoutSeconds: 30, maxObservationChars: 1500, testTimeoutSeconds: 60 },
      };
      return (await services.client.workflow.execute('episode', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/${task.instance_id}`, args: [input] })) as EpisodeSummary;
    }));
    for (const [i, summary] of summaries.entries()) {
      expect(summary).toMatchObject({ status: 'completed', endReason: 'submitted', testReward: 1, steps: 3, formatErrors: 0 });
      const turns = readTurns({ runsDir, runId, episodeKey: summary.episodeKey });
      expect(turns.map((t) => t.policy.action.kind)).toEqual(['command', 'command', 'submit']);
      expect(turns[0].observation).not.toMatch(/No such file/);
      expect(turns[1].policy.content).toContain(tasks[i].task.patch.trim().split('\n')[0]);
    }
  });
});
