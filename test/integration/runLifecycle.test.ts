import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { RunConfigInput } from '../../core/runConfig';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainingRunResult } from '../../workflows/trainingRun';
import { actingModel } from './support/actingModel';
import { makeCoinTaskSet } from './support/fixtureRepo';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { runProjectAsync } from './support/processes';
import { findFiles } from './support/runChecks';
import { smallRunConfig } from './support/runFixture';
import { TEMPORAL_ADDRESS } from './support/services';
import { until } from './support/until';

jest.setTimeout(30 * 60_000);

// Runs of days against one long-lived policy server: runs one after another and side by side
// with an evaluation, a terminated run resumed with `swe-rl resume`, and a drain that lands
// during a continue-as-new phase. The policy acts (a warm-started tiny model) and the tasks'
// rewards are coin flips, so iterations train, checkpoint and publish.
describe('runs and evaluations share one policy server; stopped runs resume', () => {
  let services: PipelineServices;
  const coin = makeCoinTaskSet(3);
  const runsDir = path.join(coin.dir, 'runs');
  const stamp = Date.now().toString(36);

  beforeAll(async () => {
    // At most 3 policies loaded: later runs evict earlier ones, which load again when asked for.
    services = await startPipelineServices({ model: actingModel(), policyServerArgs: ['--max-policies', '3'] });
  });

  afterAll(async () => services?.stop());

  const config = (name: string, iterations: number, extra: Partial<RunConfigInput> = {}) =>
    smallRunConfig(`${name}-${stamp}`, services.server.url, services.modelDir, coin, {
      agent: { promptStyle: 'compact' },
      rft: { enabled: false, samplesPerTask: 1, maxTurns: 1, contextTokens: 8192 },
      stages: [{ name: 'stage1', iterations, problemsPerIteration: 2, groupSize: 4, maxTurns: 5, lengthThreshold: 1, contextTokens: 8192, maxTokensPerTurn: 24, batchSize: 3 }],
      evaluation: { everyIterations: 0, runs: 2, maxTurns: 5, contextTokens: 8192 },
      concurrency: { taskGroups: 2, episodesPerGroup: 4 },
      ...extra,
    });
  const start = (c: RunConfigInput) => services.client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: c.runId, args: [c] });
  const runDir = (c: RunConfigInput) => path.join(runsDir, c.runId);
  const ledger = (c: RunConfigInput) => (existsSync(path.join(runDir(c), 'steps')) ? readdirSync(path.join(runDir(c), 'steps')).filter((f) => /^step-\d+\.json$/.test(f)).sort() : []);
  const metrics = (c: RunConfigInput) => readFileSync(path.join(runDir(c), 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  /** The policy names the server reported for the stored turns of one phase of a run. */
  const servedPolicies = (c: RunConfigInput, phase: string) =>
    new Set(findFiles(path.join(runDir(c), 'episodes', phase), /^\d+\.policy\.json$/).map((f) => JSON.parse(readFileSync(f, 'utf8')).policy));
  /** The run's step ledger is 1..N once each, N the optimizer steps its iterations report. */
  const expectLedgerMatchesMetrics = (c: RunConfigInput) => {
    const steps = metrics(c).reduce((n, m) => n + m.optimizerSteps, 0);
    expect(ledger(c)).toEqual(Array.from({ length: steps }, (_, i) => `step-${String(i + 1).padStart(6, '0')}.json`));
    return steps;
  };

  it('runs two runs one after the other, then a run and an evaluation side by side, on one server', async () => {
    const first = config('first', 1);
    const second = config('second', 1);
    for (const c of [first, second]) {
      const result = (await (await start(c)).result()) as TrainingRunResult;
      expect(result).toMatchObject({ outcome: 'completed', iterations: 1 });
      const steps = expectLedgerMatchesMetrics(c);
      expect(result.policyVersion).toBe(steps);
      expect(servedPolicies(c, 'it-0001')).toEqual(new Set([`${c.runId}@step-000000`]));
    }
    const trained = [first, second].filter((c) => ledger(c).length > 0);
    expect(trained.length).toBeGreaterThan(0); // a publish happened after another run's

    // A third run beside an evaluation of the first run's checkpoint, both on the same server.
    const third = config('third', 2);
    const evaluated = trained[0];
    const checkpoint = path.join(runDir(evaluated), 'checkpoints', `step-${String(ledger(evaluated).length).padStart(6, '0')}`);
    const running = start(third);
    const evaluation = services.client.workflow.execute('evalRun', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: `${evaluated.runId}/eval-side-by-side`,
      args: [{ config: evaluated, label: 'side-by-side', policyVersion: ledger(evaluated).length, checkpointPath: checkpoint }],
    });
    const [result] = await Promise.all([(await running).result() as Promise<TrainingRunResult>, evaluation]);
    expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });
    expectLedgerMatchesMetrics(third);
    expect(servedPolicies(evaluated, 'eval-side-by-side')).toEqual(new Set([`${evaluated.runId}@step-${String(ledger(evaluated).length).padStart(6, '0')}`]));
    const afterFirst = metrics(third)[0].optimizerSteps;
    expect(servedPolicies(third, 'it-0002')).toEqual(new Set([`${third.runId}@step-${String(afterFirst).padStart(6, '0')}`]));
  });

  it('resumes a terminated run with `swe-rl resume`: as many iterations and trainer steps as an uninterrupted run', async () => {
    const c = config('resumed', 3);
    const handle = await start(c);
    // Terminate mid-iteration, once the trainer has applied steps that no finished iteration
    // accounts for (its checkpoint may or may not be saved): the resume must drop them.
    const finishedSteps = () => (existsSync(path.join(runDir(c), 'metrics.jsonl')) ? metrics(c).reduce((n, m) => n + m.optimizerSteps, 0) : 0);
    await until('steps of an unfinished iteration', 600_000, () => ledger(c).length > finishedSteps(), 20);
    await handle.terminate('test: a run stopped mid-iteration');
    const stepsAtStop = ledger(c).length;

    const resumed = await runProjectAsync('bin/swe-rl', ['resume', c.runId], { TEMPORAL_ADDRESS }, 900_000);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resumed run ${c.runId} \\(it was terminated\\)`));
    const result = (await services.client.workflow.getHandle(c.runId).result()) as TrainingRunResult;
    expect(result).toMatchObject({ outcome: 'completed', iterations: 3 });
    expect(metrics(c).map((m) => m.iteration)).toEqual([1, 2, 3]);
    const steps = expectLedgerMatchesMetrics(c);
    expect(result.policyVersion).toBe(steps);
    expect(result.state).toMatchObject({ resumes: 1, rollbackTo: null });
    // The steps past the last finished iteration were moved aside, not applied twice.
    const resumedAt = Number(/trainer step (\d+)/.exec(resumed.stderr)?.[1]);
    const abandoned = findFiles(path.join(runDir(c), 'abandoned'), /^step-\d+\.json$/).length;
    // (A step in flight at the stop still finishes: termination does not reach a running activity.)
    expect(abandoned).toBeGreaterThanOrEqual(stepsAtStop - resumedAt);
    expect(abandoned).toBeLessThanOrEqual(stepsAtStop - resumedAt + 1);
    expect(abandoned).toBeGreaterThan(0);
    console.log(`resume: ${stepsAtStop} steps in the ledger at the stop, resumed at step ${resumedAt}, ${abandoned} rolled back, ${steps} at the end`);
    // Resuming a completed run is refused with a clear message.
    const again = await runProjectAsync('bin/swe-rl', ['resume', c.runId], { TEMPORAL_ADDRESS }, 60_000);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/completed: there is nothing to resume/);
  });

  it('keeps a drain across continue-as-new, and the drained run resumes to the end under a longer config', async () => {
    const c = config('drained', 1, { evaluation: { everyIterations: 0, runs: 1, maxTurns: 5, contextTokens: 8192, milestones: true } });
    const handle: WorkflowHandle = await start(c);
    // The base evaluation is a phase that ends in continue-as-new: drain during it.
    await until('the base evaluation', 300_000, () => services.client.workflow.getHandle(`${c.runId}/eval-base`).describe().catch(() => null), 20);
    await handle.signal('drain');
    const drained = (await handle.result()) as TrainingRunResult;
    expect(drained).toMatchObject({ outcome: 'drained', iterations: 0 });
    expect(drained.state?.evaluated).toEqual(['base']);

    // Resumed under a changed config: one more iteration than it was started with.
    const longer = path.join(coin.dir, 'drained-longer.json');
    writeFileSync(longer, JSON.stringify(config('drained', 2, { evaluation: { everyIterations: 0, runs: 1, maxTurns: 5, contextTokens: 8192, milestones: true } })));
    const resumed = await runProjectAsync('bin/swe-rl', ['resume', c.runId, '--config', longer, '--detach'], { TEMPORAL_ADDRESS }, 60_000);
    expect(resumed.status).toBe(0);
    const result = (await services.client.workflow.getHandle(c.runId).result()) as TrainingRunResult;
    expect(result).toMatchObject({ outcome: 'completed', iterations: 2 });
    expect(result.state?.evaluated).toEqual(['base', 'rl']);
  });
});
