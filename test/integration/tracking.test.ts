import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TrainingStatus } from '../../core/runStatus';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainingRunResult } from '../../workflows/trainingRun';
import { TRACKING_FAILURE } from '../../workflows/trackRun';
import { ROOT, runProjectAsync } from './support/processes';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { PYTHON } from './support/pythonServices';
import { smallRunConfig, smallTaskSet } from './support/runFixture';
import { requireDocker, TEMPORAL_ADDRESS } from './support/services';
import { until } from './support/until';

interface Tracked {
  tensorboard: Record<string, number>;
  wandb_ids: string[];
  wandb: Record<string, number>;
  mlflow: Record<string, Record<string, number[]>>;
}

/** What TensorBoard (its own event-file reader), offline W&B and MLflow hold, read by the Python side. */
function readTracked(runDir: string, mlflowUri: string, experiment: string): Tracked {
  const out = execFileSync(PYTHON, [path.join(ROOT, 'trainer/tests/tracking_run_folder.py'), runDir, mlflowUri, experiment], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Tracked;
}

// A real run tracked to TensorBoard, offline W&B and a file-store MLflow, drained after its first
// iteration and resumed with `swe-rl resume`: one tracked run each, every point once at its step.
describe('experiment tracking (real dev server, Docker, CPU policy server, Python trainer)', () => {
  let services: PipelineServices;

  beforeAll(async () => {
    await requireDocker();
    if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('build first: npm run build');
    services = await startPipelineServices();
  });

  afterAll(async () => services?.stop());

  it('continues the same tracked runs and writes no point twice', async () => {
    const tasks = smallTaskSet(2, 1);
    const config = smallRunConfig(`tracked-${Date.now().toString(36)}`, services.server.url, services.modelDir, tasks, {
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations: 3, problemsPerIteration: 2, groupSize: 2, maxTurns: 2, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 16 }],
      evaluation: { everyIterations: 2, runs: 1, maxTurns: 1, contextTokens: 8192 },
      tracking: { tensorboard: true, wandb: { project: 'swe-rl-it', mode: 'offline' }, mlflow: { experiment: 'swe-rl-it' } },
    });
    const runDir = path.join(tasks.dir, 'runs', config.runId);
    const handle = await services.client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] });
    await until('the first iteration to finish', 300_000, () => existsSync(path.join(runDir, 'metrics.jsonl')));
    await handle.signal('drain');
    const drained = (await handle.result()) as TrainingRunResult;
    expect(drained.outcome).toBe('drained');
    expect(drained.iterations).toBeLessThan(3);

    const resumed = await runProjectAsync('bin/swe-rl', ['resume', config.runId, '--detach'], { TEMPORAL_ADDRESS });
    expect(resumed.status).toBe(0);
    const done = (await services.client.workflow.getHandle(config.runId).result()) as TrainingRunResult;
    expect(done).toMatchObject({ outcome: 'completed', iterations: 3 });
    const status = done.state as unknown as Pick<TrainingStatus, 'failuresByReason'>;
    expect(status.failuresByReason[TRACKING_FAILURE]).toBeUndefined();

    const tracked = readTracked(runDir, path.join(tasks.dir, 'runs', 'mlruns'), 'swe-rl-it');
    // The untrained tiny model rarely passes, so iterations may have nothing to train on: any steps are checked.
    const stepsDir = path.join(runDir, 'steps');
    const steps = (existsSync(stepsDir) ? readdirSync(stepsDir) : []).filter((f) => /^step-\d+\.json$/.test(f)).map((f) => Number(/\d+/.exec(f)![0]));
    for (const points of [tracked.tensorboard, tracked.wandb]) {
      expect(points).toMatchObject({ 'rollout/pass_rate@1': 1, 'rollout/pass_rate@2': 1, 'rollout/pass_rate@3': 1, 'rollout/episodes@3': 1, 'time/rollout_s@1': 1, 'eval/pass1@2': 1 });
      for (const step of steps) expect(points[`trainer/loss@${step}`]).toBe(1);
      expect(new Set(Object.values(points))).toEqual(new Set([1]));
    }
    expect(tracked.tensorboard['learning_curve@3']).toBe(1);
    expect(tracked.wandb_ids).toEqual([config.runId]);
    expect(Object.keys(tracked.mlflow)).toEqual([config.runId]);
    expect(tracked.mlflow[config.runId]['rollout/pass_rate']).toEqual([1, 2, 3]);
    expect(existsSync(path.join(runDir, 'learning_curve.png'))).toBe(true);
  });

  it('counts a failing tracker and goes on: the run completes, the other trackers are written', async () => {
    const tasks = smallTaskSet(2, 1);
    const notADirectory = path.join(tasks.dir, 'a-file');
    writeFileSync(notADirectory, 'W&B cannot make its folder here\n');
    const config = smallRunConfig(`untracked-${Date.now().toString(36)}`, services.server.url, services.modelDir, tasks, {
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations: 1, problemsPerIteration: 1, groupSize: 2, maxTurns: 2, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 16 }],
      evaluation: { everyIterations: 0, runs: 1, maxTurns: 1, contextTokens: 8192 },
      tracking: { tensorboard: true, wandb: { project: 'swe-rl-it', mode: 'offline', dir: notADirectory } },
    });
    const done = (await services.client.workflow.execute('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] })) as TrainingRunResult;
    expect(done).toMatchObject({ outcome: 'completed', iterations: 1 });
    expect((done.state as unknown as Pick<TrainingStatus, 'failuresByReason'>).failuresByReason[TRACKING_FAILURE]).toBe(1);
    const tracked = readTracked(path.join(tasks.dir, 'runs', config.runId), path.join(tasks.dir, 'runs', 'mlruns'), 'none');
    expect(tracked.tensorboard['rollout/pass_rate@1']).toBe(1);
  });
});
