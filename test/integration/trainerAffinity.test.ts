import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chatCompletion } from '../../activities/policy/chatCompletion';
import { loadPolicy } from '../../activities/policy/loadPolicy';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainStepsResult } from '../../core/trainSteps';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { PYTHON, startTrainerWorker, type StartedProcess } from './support/pythonServices';
import { until } from './support/until';

const STEPS = 6;
const FAST_HANDOVER = { SWE_RL_TRAINER_HEARTBEAT_SECONDS: '1' };

/** Max |a - b| over every tensor of two checkpoints' weights. */
function maxWeightDifference(a: string, b: string): number {
  const script = [
    'import sys; from safetensors.torch import load_file',
    'x, y = load_file(sys.argv[1] + "/model.safetensors"), load_file(sys.argv[2] + "/model.safetensors")',
    'assert x.keys() == y.keys()',
    'print(max(float((x[k].float() - y[k].float()).abs().max()) for k in x))',
  ].join('\n');
  const out = spawnSync(PYTHON, ['-c', script, a, b], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return Number(out.stdout.trim());
}

function stepLines(output: string, runId: string, verb: 'applying' | 'applied' | 'replayed'): number[] {
  const pattern = new RegExp(`run ${runId}: ${verb} sft step (\\d+)`, 'g');
  return [...output.matchAll(pattern)].map((m) => Number(m[1]));
}

// Kill -9 the trainer worker in the middle of a step, start two trainer workers in its place (a
// restart and a rolling update side by side): the run's steps move to one new holder, each step
// is applied once, and the weights equal an uninterrupted run's on the same batches.
describe("a run's trainer steps reach the one process that holds its weights", () => {
  let services: PipelineServices;
  const trainers: StartedProcess[] = [];
  let dir: string;
  let batches: string[];

  beforeAll(async () => {
    services = await startPipelineServices({ trainer: false, workers: 'no-sandbox' });
    dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-affinity-'));
    // Long prompts and one sequence per micro-batch, so a step lasts long enough to be killed in.
    const messages = [
      { role: 'system' as const, content: 'You fix bugs.' },
      { role: 'user' as const, content: 'The parser drops the last field of every record. '.repeat(40) },
    ];
    const turns = await Promise.all(Array.from({ length: 4 * STEPS }, async (_, i) => {
      const turn = await chatCompletion({ serverUrl: services.server.url, model: 'policy', messages, sampling: { max_tokens: 16, seed: i } });
      if (turn.status !== 'ok') throw new Error('context limit');
      return turn;
    }));
    batches = Array.from({ length: STEPS }, (_, k) => {
      const file = path.join(dir, `batch-${k + 1}.jsonl`);
      const lines = turns.slice(k * 4, k * 4 + 4).map((turn, i) => ({
        episode_id: `ep-${k}-${i}`,
        messages: [...messages, { role: 'assistant', content: turn.text, token_ids: turn.tokenIds, logprobs: turn.logprobs, format_error: false }],
      }));
      writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      return file;
    });
  });

  afterAll(async () => {
    await Promise.all(trainers.map((t) => t.stop()));
    await services?.stop();
  });

  const input = (runId: string) => ({
    runId,
    kind: 'sft',
    steps: batches.map((batchPath, i) => ({ step: i + 1, batchPath })),
    modelPath: services.modelDir,
    runsDir: path.join(dir, 'runs'),
    config: { lr: 1e-3, total_steps: STEPS, micro_batch_size: 1 },
    trainerTimeouts: { hostTimeoutSeconds: 5, heartbeatSeconds: 5 },
  });

  it('completes after kill -9 mid-step with two new trainers, each step applied once, weights as uninterrupted', async () => {
    const first = await startTrainerWorker(undefined, FAST_HANDOVER);
    trainers.push(first);
    const runId = `affinity-${Date.now().toString(36)}`;
    const handle = await services.client.workflow.start('trainSteps', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/train`, args: [input(runId)] });

    await until('step 3 to start', 120_000, () => stepLines(first.output(), runId, 'applying').includes(3), 20);
    first.process.kill('SIGKILL');
    const killedMidStep = !stepLines(first.output(), runId, 'applied').includes(3);
    const replacements = await Promise.all([startTrainerWorker(undefined, FAST_HANDOVER), startTrainerWorker(undefined, FAST_HANDOVER)]);
    trainers.push(...replacements);

    const result = (await handle.result()) as TrainStepsResult;
    expect(result.step).toBe(STEPS);
    expect(path.basename(result.checkpointPath)).toBe(`step-${String(STEPS).padStart(6, '0')}`);

    // The step ledger holds steps 1..6 once each.
    const ledger = readdirSync(path.join(dir, 'runs', runId, 'steps')).filter((f) => /^step-\d+\.json$/.test(f)).sort();
    expect(ledger).toEqual(Array.from({ length: STEPS }, (_, i) => `step-${String(i + 1).padStart(6, '0')}.json`));

    // Each step was applied (as a new update) by exactly one process; a new holder only replays
    // steps from their records, and one of the two new workers took the whole rest of the run.
    const outputs = [first, ...replacements].map((t) => t.output());
    const applied = outputs.flatMap((o) => stepLines(o, runId, 'applied'));
    for (let step = 1; step <= STEPS; step++) expect(applied.filter((s) => s === step).length).toBeLessThanOrEqual(1);
    const holders = replacements.filter((t) => stepLines(t.output(), runId, 'applying').length > 0);
    expect(holders).toHaveLength(1);
    const replayed = stepLines(holders[0].output(), runId, 'replayed');
    expect([...new Set([...applied, ...replayed])].sort((a, b) => a - b)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(stepLines(holders[0].output(), runId, 'applying').every((s) => s >= 3)).toBe(true);
    if (killedMidStep) expect(replayed.slice(0, 2)).toEqual([1, 2]);

    // The same batches without a fault give the same weights.
    const reference = (await services.client.workflow.execute('trainSteps', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}-reference/train`, args: [input(`${runId}-reference`)] })) as TrainStepsResult;
    const difference = maxWeightDifference(result.checkpointPath, reference.checkpointPath);
    console.log(`trainer affinity: killed mid-step ${killedMidStep}; max weight difference to the uninterrupted run ${difference}`);
    expect(difference).toBeLessThan(1e-5);
  });

  it('reports a refused publish without losing the steps or the checkpoint', async () => {
    if (trainers.every((t) => t.process.exitCode !== null || t.process.signalCode !== null)) trainers.push(await startTrainerWorker(undefined, FAST_HANDOVER));
    const runId = `refused-${Date.now().toString(36)}`;
    // Someone already serves another model under the name this run's step 1 will be published as.
    await loadPolicy({ serverUrl: services.server.url, policy: `${runId}@step-000001`, checkpointPath: services.modelDir });
    const result = (await services.client.workflow.execute('trainSteps', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: `${runId}/train`,
      args: [{ ...input(runId), steps: [{ step: 1, batchPath: batches[0] }], policyServerUrl: services.server.url }],
    })) as TrainStepsResult;
    expect(result).toMatchObject({ step: 1, applied: true, policyVersion: 1 });
    expect(result.publishError).toMatch(/409/);
    expect(readdirSync(path.join(dir, 'runs', runId, 'checkpoints'))).toContain('step-000001');
  });
});
