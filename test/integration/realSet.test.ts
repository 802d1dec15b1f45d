import { randomUUID } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EpisodeSummary } from '../../activities/store/episodeActivities';
import { readTurns } from '../../activities/store/episodeStore';
import type { EpisodeInput } from '../../core/episodeInput';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { Task } from '../../core/tasks/taskSchema';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { ROOT, runProjectAsync } from './support/processes';
import { PYTHON, startPolicyServer, type StartedProcess } from './support/pythonServices';
import { requireDocker } from './support/services';

// The shipped real set (tasks/real/*/recipe.json), end to end as a user runs it: built from the
// pinned PyPI sdists, environments built by `swe-rl build-env`, validated three times by
// `swe-rl validate-tasks`, then every instance resolved by a whole episode in which the scripted
// policy plays its gold patch through the real API, on the real Temporal server and Docker engine.
describe('the shipped real task set', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-realset-'));
  const taskFile = path.join(out, 'tasks.jsonl');
  const reposDir = path.join(out, 'repos');
  let tasks: Task[] = [];

  beforeAll(async () => {
    await requireDocker();
    execFileSync('python3', [path.join(ROOT, 'tasks/real/build.py'), '--out', out], { stdio: 'pipe', timeout: 600_000 });
    tasks = readFileSync(taskFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Task);
  });

  it('holds at least 6 instances from at least 4 repositories', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(6);
    expect(new Set(tasks.map((t) => t.repo)).size).toBeGreaterThanOrEqual(4);
  });

  it('builds every environment once (a second build-env finds them all cached), and every instance is valid over 3 runs', async () => {
    const built = await runProjectAsync('bin/swe-rl', ['build-env', taskFile, '--repos', reposDir, '--out', path.join(out, 'envs')], {}, 1_500_000);
    expect(built.status).toBe(0);
    const again = await runProjectAsync('bin/swe-rl', ['build-env', taskFile, '--repos', reposDir, '--out', path.join(out, 'envs-again')], {}, 300_000);
    expect(again.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'envs-again', 'report.json'), 'utf8')) as { environments: { status: string }[] };
    expect(report.environments.map((e) => e.status).every((s) => s === 'cached')).toBe(true);

    const validated = await runProjectAsync(
      'bin/swe-rl',
      ['validate-tasks', taskFile, '--repos', reposDir, '--runs', '3', '--concurrency', '2', '--out', path.join(out, 'validated')],
      {},
      1_800_000,
    );
    expect(validated.stdout).toMatch(new RegExp(`${tasks.length}/${tasks.length} tasks valid`));
    expect(validated.status).toBe(0);
  }, 3_600_000);

  describe('whole episodes with the scripted gold-patch policy', () => {
    let services: PipelineServices;
    let scripted: StartedProcess & { url: string };
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-realset-runs-'));
    const runId = `realset-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      const scriptFile = path.join(out, 'script.json');
      const written = spawnSync(PYTHON, ['-m', 'swe_rl_trainer.scripted_policy', '--tasks', taskFile, '--out', scriptFile], { encoding: 'utf8' });
      if (written.status !== 0) throw new Error(written.stderr);
      services = await startPipelineServices({ trainer: false });
      // Gold patches and issue texts of real repositories pass the tiny model's own 4,096 positions.
      scripted = await startPolicyServer(services.modelDir, ['--script', scriptFile, '--max-context', '32768']);
    });

    afterAll(async () => {
      await scripted?.stop();
      await services?.stop();
    });

    it('resolves every instance through the episode workflow: submitted, graded in a fresh container, reward 1', async () => {
      const summaries: EpisodeSummary[] = [];
      // Two at a time: each grading runs a real test suite.
      for (let i = 0; i < tasks.length; i += 2) {
        summaries.push(...(await Promise.all(tasks.slice(i, i + 2).map(async (task) => {
          const input: EpisodeInput = {
            runsDir, runId, reposDir, task, episodeKey: `realset/${task.instance_id}/s0/a0`, sample: 0, attempt: 0,
            promptStyle: 'compact',
            policy: { serverUrl: scripted.url, model: 'policy', sampling: { temperature: 1, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1 }, requestTimeoutSeconds: 120 },
            limits: { maxTurns: 5, contextTokens: 32768, maxTokensPerTurn: 8192, commandTimeoutSeconds: 60, maxObservationChars: 1500, testTimeoutSeconds: 300 },
          };
          return (await services.client.workflow.execute('episode', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/${task.instance_id}`, args: [input] })) as EpisodeSummary;
        }))));
      }
      for (const [i, summary] of summaries.entries()) {
        expect({ instance: tasks[i].instance_id, ...summary }).toMatchObject({ instance: tasks[i].instance_id, status: 'completed', endReason: 'submitted', testReward: 1 });
        const turns = readTurns({ runsDir, runId, episodeKey: summary.episodeKey });
        expect(turns.at(-1)?.policy.action.kind).toBe('submit');
      }
    }, 1_800_000);
  });
});
