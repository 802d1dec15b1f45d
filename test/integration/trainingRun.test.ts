import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TrainingStatus } from '../../core/runStatus';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainingRunResult } from '../../workflows/trainingRun';
import { runProjectAsync } from './support/processes';
import { buildTinyModel, startPolicyServer, startTrainerWorker, type PythonProcess } from './support/pythonServices';
import { smallRunConfig, smallTaskSet } from './support/runFixture';
import { connectTestClient, requireDocker } from './support/services';
import { temporalCli } from './support/temporalCli';
import { startTestWorkers, type RunningWorkers } from './support/testWorkers';

// The whole pipeline on real parts: RFT, two RL iterations, an evaluation, metrics and the plot.
describe('trainingRun (real dev server, Docker, CPU policy server, Python trainer)', () => {
  let server: PythonProcess & { url: string };
  let trainerWorker: PythonProcess;
  let workers: RunningWorkers;
  let client: Client;
  let modelDir: string;
  const tasks = smallTaskSet();
  const id = `run-${Date.now().toString(36)}`;

  beforeAll(async () => {
    await requireDocker();
    modelDir = buildTinyModel();
    [server, trainerWorker] = await Promise.all([startPolicyServer(modelDir), startTrainerWorker()]);
    client = await connectTestClient();
    workers = await startTestWorkers();
  });

  afterAll(async () => {
    await workers?.stop();
    await client?.connection.close();
    await Promise.all([server?.stop(), trainerWorker?.stop()]);
  });

  it('runs RFT, two RL iterations and an evaluation, writing metrics and the learning curve', async () => {
    const config = smallRunConfig(`${id}-full`, server.url, modelDir, tasks);
    const result = (await client.workflow.execute('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] })) as TrainingRunResult;
    expect(result).toMatchObject({ runId: config.runId, outcome: 'completed', iterations: 2 });
    const runDir = path.join(tasks.dir, 'runs', config.runId);
    const lines = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((m) => `${m.stage}/${m.iteration}`)).toEqual(['rft/0', 'stage1/1', 'stage1/2']);
    expect(lines[2].evaluation).toMatchObject({ tasks: 1, runs: 2 });
    expect(lines[1].episodes + lines[1].failedEpisodes).toBe(6);
    expect(existsSync(path.join(runDir, 'learning_curve.png'))).toBe(true);
    expect(existsSync(path.join(runDir, 'metrics.csv'))).toBe(true);
    expect(existsSync(path.join(runDir, 'evals', 'it-0002.json'))).toBe(true);
    // Continue-as-new after each phase keeps each run's history small.
    const history = await client.workflow.getHandle(config.runId).fetchHistory();
    expect((history.events ?? []).length).toBeLessThan(100);
    // Search attributes let the Web UI filter by run, stage and iteration.
    const listed = await temporalCli(['workflow', 'list', '--query', `SweRlRun="${config.runId}" AND SweRlIteration=2 AND SweRlKind="taskGroup"`, '--output', 'json']);
    expect(JSON.parse(listed.stdout)).toHaveLength(2);
  });

  it('pauses, resumes and drains on signals, and answers the status query', async () => {
    const config = smallRunConfig(`${id}-signals`, server.url, modelDir, tasks, {
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations: 5, problemsPerIteration: 1, groupSize: 2, maxTurns: 2, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 16 }],
      evaluation: { everyIterations: 0, runs: 1, maxTurns: 2, contextTokens: 8192 },
    });
    const handle = await client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] });
    await handle.signal('pause');
    const paused = await handle.query<TrainingStatus>('status');
    expect(paused).toMatchObject({ runId: config.runId, paused: true, totalIterations: 5 });
    await handle.signal('resume');
    await handle.signal('drain');
    const result = (await handle.result()) as TrainingRunResult;
    expect(result.outcome).toBe('drained');
    expect(result.iterations).toBeLessThan(5);
  });

  it('fails a bad config at once, naming the field, through swe-rl train and temporal workflow start', async () => {
    const bad = smallRunConfig(`${id}-bad`, server.url, modelDir, tasks);
    (bad.stages![0] as { groupSize: number }).groupSize = 1;
    const file = path.join(tasks.dir, 'bad-config.json');
    writeFileSync(file, JSON.stringify(bad));
    const cli = await runProjectAsync('bin/swe-rl', ['train', '--config', file]);
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toMatch(/config\.stages\[0\]\.groupSize: G must be at least 2/);

    const started = await temporalCli(['workflow', 'start', '--type', 'trainingRun', '--task-queue', 'swe-rl', '--workflow-id', `${id}-bad`, '--input-file', file]);
    expect(started.status).toBe(0);
    const err = await client.workflow.getHandle(`${id}-bad`).result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe('InvalidInput');
    expect((err as WorkflowFailedError).cause?.message).toMatch(/config\.stages\[0\]\.groupSize/);
  });

  it('fails a run whose task file has a bad record, naming the record and field', async () => {
    const badTasks = path.join(tasks.dir, 'bad-train.jsonl');
    const good = readFileSync(tasks.trainFile, 'utf8').trim().split('\n');
    writeFileSync(badTasks, [good[0], JSON.stringify({ ...JSON.parse(good[1]), base_commit: 'xyz' })].join('\n'));
    const config = smallRunConfig(`${id}-badtasks`, server.url, modelDir, { ...tasks, trainFile: badTasks });
    const err = await client.workflow.execute('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidTaskFile');
    expect(cause.message).toMatch(/record 1 \(line 2, instance swe-rl-builtin__[a-z]+-\d\): task\.base_commit/);
  });
});
