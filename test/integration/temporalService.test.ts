import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EpisodeSummary } from '../../activities/store/episodeActivities';
import type { EpisodeInput } from '../../core/episodeInput';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { Task } from '../../core/tasks/taskSchema';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { processAlive, runProjectAsync } from './support/processes';
import { PYTHON } from './support/pythonServices';
import { smallTaskSet } from './support/runFixture';
import { temporalCli } from './support/temporalCli';
import { until } from './support/until';

// The PostgreSQL-backed Temporal Service (infra/temporal-service.sh) on ports and a data folder of
// its own, beside the shared dev server: whole episodes run on it with real sandboxes (the scripted
// policy plays each task's gold patch), their histories land in its PostgreSQL databases, and the
// SWE_RL_TEMPORAL=service switch points `swe-rl up` / `services` / `down` and the CLI at it.
describe('the Temporal Service on PostgreSQL', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-temporal-service-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach its data folder
  const frontendPort = 20000 + (process.pid % 500) * 20; // the server takes 20 ports from here
  const env: Record<string, string> = {
    SWE_RL_TEMPORAL: 'service',
    SWE_RL_STATE_DIR: path.join(dir, 'state'),
    SWE_RL_LOG_DIR: path.join(dir, 'logs'),
    TEMPORAL_SERVICE_PG_DIR: path.join(dir, 'postgres'),
    TEMPORAL_SERVICE_PORT: String(frontendPort),
    TEMPORAL_SERVICE_PG_PORT: String(15433 + (process.pid % 500)),
  };
  const address = `127.0.0.1:${frontendPort}`;
  const suite = smallTaskSet(2, 1);
  const tasks = readFileSync(suite.trainFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Task);
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-service-runs-'));
  const runId = `service-${randomUUID().slice(0, 8)}`;
  let services: PipelineServices | undefined;
  let started = '';

  const sql = async (database: string, query: string) => {
    const run = await runProjectAsync('infra/temporal-service.sh', ['sql', database, query], env, 60_000);
    if (run.status !== 0) throw new Error(`sql on ${database} failed: ${run.stderr}`);
    return run.stdout.trim();
  };
  const pidOf = (name: string) => Number(readFileSync(path.join(env.SWE_RL_STATE_DIR, `${name}.pid`), 'utf8'));
  const postmasterPid = () => Number(readFileSync(path.join(env.TEMPORAL_SERVICE_PG_DIR, 'postmaster.pid'), 'utf8').split('\n')[0]);

  beforeAll(async () => {
    // On a fresh machine this installs PostgreSQL and builds the server (minutes); later, seconds.
    const start = await runProjectAsync('infra/temporal-service.sh', ['start'], env, 900_000);
    started = start.stderr;
    if (start.status !== 0) throw new Error(`infra/temporal-service.sh start failed:\n${start.stderr}`);
    const taskFile = path.join(runsDir, 'tasks.jsonl');
    writeFileSync(taskFile, tasks.map((t) => JSON.stringify(t)).join('\n') + '\n');
    const scriptFile = path.join(runsDir, 'script.json');
    const written = spawnSync(PYTHON, ['-m', 'swe_rl_trainer.scripted_policy', '--tasks', taskFile, '--out', scriptFile], { encoding: 'utf8' });
    if (written.status !== 0) throw new Error(written.stderr);
    services = await startPipelineServices({ address, trainer: false, policyServerArgs: ['--script', scriptFile] });
  }, 960_000);

  afterAll(async () => {
    await services?.stop();
    await runProjectAsync('infra/temporal-service.sh', ['stop'], env, 120_000); // no-op after `down`
    rmSync(runsDir, { recursive: true, force: true });
    rmSync(suite.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('starts PostgreSQL and the server, with the namespace and the search attributes', async () => {
    expect(started).toMatch(/\[swe-rl timing\] svc_server/);
    expect((await temporalCli(['operator', 'cluster', 'health'], 30_000, address)).stdout).toMatch(/SERVING/);
    const attributes = (await temporalCli(['operator', 'search-attribute', 'list'], 30_000, address)).stdout;
    for (const name of ['SweRlRun', 'SweRlStage', 'SweRlIteration', 'SweRlKind', 'SweRlTask', 'SweRlOutcome']) expect(attributes).toContain(name);
    expect(await sql('postgres', "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname LIKE 'temporal%'")).toBe('temporal,temporal_visibility');
    // Idempotent: a second start finds everything running and starts nothing.
    const pid = pidOf('temporal-service');
    const again = await runProjectAsync('infra/temporal-service.sh', ['start'], env, 300_000);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/PostgreSQL already runs/);
    expect(again.stderr).toMatch(/already answers/);
    expect(pidOf('temporal-service')).toBe(pid);
  });

  it('runs whole episodes with real sandboxes, their histories in PostgreSQL', async () => {
    const summaries = await Promise.all(tasks.map(async (task) => {
      const input: EpisodeInput = {
        runsDir, runId, reposDir: suite.reposDir, task, episodeKey: `service/${task.instance_id}/s0/a0`, sample: 0, attempt: 0,
        promptStyle: 'compact',
        policy: { serverUrl: services!.server.url, model: 'policy', sampling: { temperature: 1, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1 }, requestTimeoutSeconds: 60 },
        limits: { maxTurns: 5, contextTokens: 4096, maxTokensPerTurn: 1024, commandTimeoutSeconds: 30, maxObservationChars: 1500, testTimeoutSeconds: 60 },
      };
      return (await services!.client.workflow.execute('episode', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/${task.instance_id}`, args: [input] })) as EpisodeSummary;
    }));
    for (const summary of summaries) expect(summary).toMatchObject({ status: 'completed', endReason: 'submitted', testReward: 1 });

    const workflowId = `${runId}/${tasks[0].instance_id}`;
    // Visibility (the temporal_visibility database) answers a query on the episode's own search attribute.
    const listed = await until('the episode in the visibility store', 30_000, async () => {
      const list = await temporalCli(['workflow', 'list', '--query', `WorkflowId = "${workflowId}" AND SweRlOutcome = "resolved"`], 30_000, address);
      return list.stdout.includes(workflowId) && list.stdout;
    });
    expect(listed).toMatch(/Completed/);
    // The execution and its history events are rows of the `temporal` database.
    expect(await sql('temporal', `SELECT count(*) FROM executions WHERE workflow_id = '${workflowId}'`)).toBe('1');
    expect(Number(await sql('temporal', 'SELECT count(*) FROM history_node'))).toBeGreaterThan(0);
    expect(await sql('temporal_visibility', `SELECT status FROM executions_visibility WHERE workflow_id = '${workflowId}'`)).toBe('2'); // completed
  });

  it('under SWE_RL_TEMPORAL=service, swe-rl up / services / the CLI / down use it', async () => {
    const up = await runProjectAsync('bin/swe-rl', ['up', '--no-workers'], env, 300_000);
    expect(up.status).toBe(0);
    expect(up.stderr).toMatch(new RegExp(`Temporal Service already answers on ${address}`));
    const status = await runProjectAsync('bin/swe-rl', ['services'], env, 60_000);
    expect(status.stdout).toContain(`temporal: Temporal Service (PostgreSQL) running on ${address} (started by swe-rl up`);

    // The CLI dials the service (the workers in this process poll it), not the dev server.
    const workflowId = `${runId}-cli`;
    const slice = await runProjectAsync('bin/swe-rl', ['sandbox-run', '--id', workflowId, '--', 'echo', 'via-the-service'], env, 180_000);
    expect(slice.status).toBe(0);
    expect(JSON.parse(slice.stdout).output).toMatch(/via-the-service/);
    expect(await sql('temporal', `SELECT count(*) FROM executions WHERE workflow_id = '${workflowId}'`)).toBe('1');

    await services?.stop();
    services = undefined;
    const serverPid = pidOf('temporal-service');
    const postgresPid = postmasterPid();
    const down = await runProjectAsync('bin/swe-rl', ['down'], env, 120_000);
    expect(down.status).toBe(0);
    expect(processAlive(serverPid)).toBe(false);
    expect(processAlive(postgresPid)).toBe(false);
    expect((await runProjectAsync('bin/swe-rl', ['services'], env, 60_000)).stdout).toMatch(/Temporal Service \(PostgreSQL\) not running/);
  });
});
