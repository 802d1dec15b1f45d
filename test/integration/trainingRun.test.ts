import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TrainingStatus } from '../../core/runStatus';
import type { TrainStepsResult } from '../../core/trainSteps';
import { writeTrainingBatch } from '../../activities/store/batchActivities';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainingRunResult } from '../../workflows/trainingRun';
import { spawn } from 'node:child_process';
import { ROOT, runProjectAsync } from './support/processes';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { smallRunConfig, smallTaskSet } from './support/runFixture';
import { requireDocker } from './support/services';
import { temporalCli } from './support/temporalCli';

// The whole pipeline on real parts: RFT, two RL iterations, an evaluation, metrics and the plot.
describe('trainingRun (real dev server, Docker, CPU policy server, Python trainer)', () => {
  let services: PipelineServices;
  let server: PipelineServices['server'];
  let client: Client;
  let modelDir: string;
  const tasks = smallTaskSet();
  const id = `run-${Date.now().toString(36)}`;

  beforeAll(async () => {
    await requireDocker();
    services = await startPipelineServices();
    ({ server, client, modelDir } = services);
  });

  afterAll(async () => services?.stop());

  // First in the file: the base evaluation publishes the base weights as version 0, which the
  // policy server only accepts before any checkpoint of a later version has been published.
  it('a control run with milestone evaluations: base, RFT and RL evaluated, rewards shuffled, report written', async () => {
    const config = smallRunConfig(`${id}-control`, server.url, modelDir, tasks, {
      shuffleRewards: true,
      agent: { promptStyle: 'compact' },
      stages: [{ name: 'stage1', iterations: 1, problemsPerIteration: 2, groupSize: 2, maxTurns: 2, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 16 }],
      evaluation: { everyIterations: 0, runs: 5, maxTurns: 1, contextTokens: 8192, milestones: true },
    });
    const result = (await client.workflow.execute('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] })) as TrainingRunResult;
    expect(result).toMatchObject({ outcome: 'completed', iterations: 1 });
    const runsDir = path.join(tasks.dir, 'runs');
    const runDir = path.join(runsDir, config.runId);
    for (const label of ['base', 'rft', 'rl']) {
      expect(JSON.parse(readFileSync(path.join(runDir, 'evals', `${label}.json`), 'utf8'))).toMatchObject({ tasks: 1, runs: 5, workflowId: `${config.runId}/eval-${label}` });
    }
    // The compact prompt reached the episodes.
    const evalEpisodes = path.join(runDir, 'episodes', 'eval-base');
    const task = readdirSync(evalEpisodes)[0];
    const prompt = JSON.parse(readFileSync(path.join(evalEpisodes, task, 's0', 'a0', 'prompt.json'), 'utf8'));
    expect(prompt.user.startsWith('<issue>')).toBe(true);
    const history = await client.workflow.getHandle(config.runId).fetchHistory();
    expect((history.events ?? []).length).toBeLessThan(100);

    const report = await runProjectAsync('bin/swe-rl', ['report', config.runId, '--control', config.runId, '--runs-dir', runsDir]);
    expect(report.stdout).toMatch(/^policy\s+Pass@1 \(mean \+- SEM, 5 runs\)/m);
    expect(report.stdout).toMatch(/^base\s+\d+\.\d% \+- \d+\.\d%/m);
    expect(report.stdout).toMatch(/^control\s+/m);
    const written = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(Object.keys(written)).toEqual(['base', 'rft', 'rl', 'control']);
    for (const row of Object.values(written) as Record<string, number>[]) {
      expect(Object.keys(row)).toEqual(['pass1', 'pass1_sem', 'pass5', 'mean_steps', 'format_error_rate']);
      expect(row.pass1).toBeGreaterThanOrEqual(0);
      expect(row.pass1).toBeLessThanOrEqual(1);
    }
    expect(existsSync(path.join(runDir, 'report_curve.png'))).toBe(true);
    // An untrained model learns nothing: the report says so and exits non-zero.
    expect(report.status).toBe(3);
    expect(report.stdout).toMatch(/no learning shown/);
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
    const listed = await temporalCli(['workflow', 'list', '--query', `SweRlRun="${config.runId}" AND SweRlIteration=2 AND SweRlStage="stage1" AND SweRlKind="taskGroup"`, '--output', 'json']);
    expect(JSON.parse(listed.stdout)).toHaveLength(2);
  });

  it('trains on batches built from the stored episodes (DAPO then SFT), and evaluates the checkpoint by CLI and Schedule', async () => {
    const runId = `${id}-full`;
    const runsDir = path.join(tasks.dir, 'runs');
    const episodes = readdirSync(path.join(runsDir, runId, 'episodes', 'it-0001'));
    const keys = episodes.flatMap((task) => ['s0', 's1'].map((s) => `it-0001/${task}/${s}/a0`));
    const entries = keys.map((episodeKey, i) => ({ episodeKey, advantage: i % 2 === 0 ? 1 : -1 }));
    const batch = await writeTrainingBatch({ runsDir, runId, name: 'manual-dapo', entries });
    expect(batch.trajectories).toBe(keys.length);
    const step = async (n: number, kind: 'dapo' | 'sft', batchPath: string) =>
      (await client.workflow.execute('trainSteps', {
        taskQueue: TASK_QUEUES.orchestrator,
        workflowId: `${runId}/manual-step-${n}`,
        args: [{ runId, kind, steps: [{ step: n, batchPath }], modelPath: modelDir, runsDir, config: kind === 'sft' ? { total_steps: 2 } : {}, policyServerUrl: server.url }],
      })) as TrainStepsResult;
    const dapo = await step(1, 'dapo', batch.batchPath);
    expect(dapo).toMatchObject({ applied: true, policyVersion: 1 });
    expect(dapo.metrics.num_sequences).toBe(keys.length);
    const sftBatch = await writeTrainingBatch({ runsDir, runId, name: 'manual-sft', entries: keys.map((episodeKey) => ({ episodeKey })) });
    // The random tiny model only writes format errors, which SFT masks (the trainer refuses a batch
    // with nothing left); treat them as well-formed here to exercise the SFT path on stored turns.
    const unmasked = readFileSync(sftBatch.batchPath, 'utf8').replace(/"format_error":true/g, '"format_error":false');
    const unmaskedPath = sftBatch.batchPath.replace(/\.jsonl$/, '-unmasked.jsonl');
    writeFileSync(unmaskedPath, unmasked);
    const sft = await step(2, 'sft', unmaskedPath);
    expect(sft).toMatchObject({ applied: true, policyVersion: 2 });

    const configFile = path.join(tasks.dir, 'full-config.json');
    writeFileSync(configFile, JSON.stringify(smallRunConfig(runId, server.url, modelDir, tasks)));
    const evaluated = await runProjectAsync('bin/swe-rl', ['eval', '--config', configFile, '--checkpoint', sft.checkpointPath, '--runs', '2', '--progress-interval', '1']);
    expect(evaluated.status).toBe(0);
    // In a log (not a terminal) progress is plain lines counting the evaluation's episodes.
    expect(evaluated.stderr).toMatch(/run \S+: evaluation cli-[0-9a-f]+, [0-2]\/2 episodes/);
    expect(evaluated.stdout).toMatch(/Pass@1 \d+\.\d% \+- \d+\.\d% \(2 runs x 1 tasks\), Pass@2/);

    const scheduled = await runProjectAsync('bin/swe-rl', ['schedule-eval', '--config', configFile, '--every', '24h', '--id', `${runId}-eval`]);
    expect(scheduled.status).toBe(0);
    const schedule = client.schedule.getHandle(`${runId}-eval`);
    try {
      await schedule.trigger();
      const deadline = Date.now() + 120_000;
      let summary: { step?: number; pass1?: number } | undefined;
      while (!summary && Date.now() < deadline) {
        const described = await schedule.describe();
        const last = described.info.recentActions.at(-1);
        if (last) {
          const handle = client.workflow.getHandle(last.action.workflow.workflowId, last.action.workflow.firstExecutionRunId);
          summary = (await handle.result()) as { step?: number; pass1?: number };
        } else await new Promise((r) => setTimeout(r, 500));
      }
      expect(summary).toMatchObject({ step: 2 });
      expect(typeof summary?.pass1).toBe('number');
    } finally {
      await schedule.delete();
    }
  });

  it('refuses a new run that reuses the run id of a finished run with its folder', async () => {
    const config = smallRunConfig(`${id}-full`, server.url, modelDir, tasks);
    const err = await client.workflow.execute('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as ApplicationFailure).type).toBe('RunFolderTaken');
    expect((err as WorkflowFailedError).cause?.message).toMatch(/already belongs to an earlier run/);
  });

  it('swe-rl train detaches on Ctrl-C and the run goes on', async () => {
    const config = smallRunConfig(`${id}-detach`, server.url, modelDir, tasks, {
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations: 50, problemsPerIteration: 1, groupSize: 2, maxTurns: 2, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 8 }],
      evaluation: { everyIterations: 0, runs: 1, maxTurns: 2, contextTokens: 8192 },
    });
    const file = path.join(tasks.dir, 'detach-config.json');
    writeFileSync(file, JSON.stringify(config));
    const child = spawn(path.join(ROOT, 'bin/swe-rl'), ['train', '--config', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/started run/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000));
    child.kill('SIGINT');
    // 'close', not 'exit': the exit can come before the last of stderr has been read from the pipe.
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/detached; the run goes on/);
    const handle = client.workflow.getHandle(config.runId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // Cancel (not terminate): cancellation reaches the episodes, which destroy their sandboxes.
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
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

    // The same through `swe-rl train` and `temporal workflow start`.
    const file = path.join(tasks.dir, 'bad-tasks-config.json');
    writeFileSync(file, JSON.stringify({ ...config, runId: `${config.runId}-cli` }));
    const cli = await runProjectAsync('bin/swe-rl', ['train', '--config', file]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/bad task file .*record 1 \(line 2, instance swe-rl-builtin__[a-z]+-\d\): task\.base_commit/s);
    writeFileSync(file, JSON.stringify({ ...config, runId: `${config.runId}-temporal` }));
    const started = await temporalCli(['workflow', 'start', '--type', 'trainingRun', '--task-queue', 'swe-rl', '--workflow-id', `${config.runId}-temporal`, '--input-file', file]);
    expect(started.status).toBe(0);
    const viaCli = await client.workflow.getHandle(`${config.runId}-temporal`).result().catch((e: unknown) => e);
    expect(((viaCli as WorkflowFailedError).cause as ApplicationFailure).type).toBe('InvalidTaskFile');
  });
});
