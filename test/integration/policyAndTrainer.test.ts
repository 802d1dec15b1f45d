import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { chatCompletion } from '../../activities/policy/chatCompletion';
import type { PolicyTurn } from '../../core/policy/parseCompletion';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainStepsResult } from '../../core/trainSteps';
import { miniBatches } from '../../core/rl/miniBatches';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';

// The TypeScript policy activity against the real CPU policy server, and a TypeScript workflow
// calling the Python trainer's activities by name on the real dev server.
describe('policy server, policy activity and trainer through Temporal', () => {
  let services: PipelineServices;
  const messages = [
    { role: 'system' as const, content: 'You fix bugs.' },
    { role: 'user' as const, content: 'The tests fail. Look at the repository.' },
  ];

  beforeAll(async () => {
    services = await startPipelineServices();
  });

  afterAll(async () => services?.stop());

  const sample = async (seed: number): Promise<PolicyTurn> => {
    const turn = await chatCompletion({ serverUrl: services.server.url, model: 'policy', messages, sampling: { max_tokens: 24, seed } });
    if (turn.status !== 'ok') throw new Error(`unexpected ${turn.status}`);
    return turn;
  };

  it('returns text, the exact sampled token ids with log-probs, usage and the policy version', async () => {
    const turn = await sample(1);
    expect(turn.tokenIds.length).toBeGreaterThan(0);
    expect(turn.tokenIds.length).toBe(turn.logprobs.length);
    expect(turn.logprobs.every((lp) => lp <= 0 && Number.isFinite(lp))).toBe(true);
    expect(turn.promptTokenCount).toBeGreaterThan(10);
    expect(turn.policyVersion).toBe(0);
    expect(turn.sampling).toMatchObject({ temperature: 1, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1, max_tokens: 24 });
  });

  it('ends with context_limit instead of retrying when the prompt does not fit', async () => {
    const long = [{ role: 'user' as const, content: 'word '.repeat(20_000) }];
    const turn = await chatCompletion({ serverUrl: services.server.url, model: 'policy', messages: long, sampling: { max_tokens: 8 } });
    expect(turn.status).toBe('context_limit');
  });

  it('fails retryably when the server is unreachable, and non-retryably on a bad request', async () => {
    const down = await chatCompletion({ serverUrl: 'http://127.0.0.1:9', model: 'policy', messages, sampling: { max_tokens: 4 } }).catch((e: unknown) => e);
    expect((down as Error).message).toMatch(/unreachable/);
    expect((down as ApplicationFailure).nonRetryable).toBe(false);
    const bad = await chatCompletion({ serverUrl: `${services.server.url}/no-such-api`, model: 'policy', messages, sampling: { max_tokens: 4 } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApplicationFailure);
    expect((bad as ApplicationFailure).nonRetryable).toBe(true);
    expect((bad as ApplicationFailure).message).toMatch(/HTTP 404/);
  });

  it('runs DAPO steps, saves and publishes a checkpoint through Temporal, idempotently', async () => {
    const good = await sample(2);
    const bad = await sample(3);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-train-'));
    const trajectory = (id: string, turn: PolicyTurn, advantage: number) => ({
      episode_id: id,
      advantage,
      messages: [...messages, { role: 'assistant', content: turn.text, token_ids: turn.tokenIds, logprobs: turn.logprobs, format_error: false }],
    });
    const batchPath = path.join(dir, 'batch.jsonl');
    writeFileSync(batchPath, [trajectory('good', good, 1), trajectory('bad', bad, -1)].map((t) => JSON.stringify(t)).join('\n') + '\n');
    const runId = `train-${randomUUID().slice(0, 8)}`;
    const input = { runId, kind: 'dapo', steps: [{ step: 1, batchPath }], modelPath: services.modelDir, runsDir: dir, config: { lr: 1e-3 }, policyServerUrl: services.server.url };
    const first = (await services.client.workflow.execute('trainSteps', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/step-1`, args: [input] })) as TrainStepsResult;
    expect(first.applied).toBe(true);
    expect(first.policyVersion).toBe(1);
    expect(existsSync(path.join(first.checkpointPath, 'model.safetensors'))).toBe(true);
    // Served under the run's own name beside the base model, which still answers as version 0.
    const models = (await (await fetch(`${services.server.url}/v1/models`)).json()) as { data: { id: string; policy_version: number }[] };
    expect(models.data.find((m) => m.id === `${runId}@step-000001`)?.policy_version).toBe(1);
    const named = await chatCompletion({ serverUrl: services.server.url, model: `${runId}@step-000001`, messages, sampling: { max_tokens: 8, seed: 4 } });
    expect(named.status === 'ok' && named.policyVersion).toBe(1);
    expect((await sample(4)).policyVersion).toBe(0);

    const again = (await services.client.workflow.execute('trainSteps', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/step-1-retry`, args: [input] })) as TrainStepsResult;
    expect(again.applied).toBe(false);
    expect(again.checkpointPath).toBe(first.checkpointPath);
    expect(again.metrics.loss).toBe(first.metrics.loss);
  });

  it('makes ceil(kept / batchSize) DAPO steps per iteration, one checkpoint after the last, and keeps what retention says', async () => {
    const turns = await Promise.all(Array.from({ length: 13 }, (_, i) => sample(100 + i)));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-minibatch-'));
    const runId = `minibatch-${randomUUID().slice(0, 8)}`;
    const trajectories = turns.map((turn, i) => ({
      episode_id: `ep-${i}`,
      advantage: i % 2 === 0 ? 1 : -1,
      messages: [...messages, { role: 'assistant', content: turn.text, token_ids: turn.tokenIds, logprobs: turn.logprobs, format_error: false }],
    }));
    let nextStep = 1;
    const iterate = async (name: string, kept: number, batchSize: number, milestone = false) => {
      const steps = miniBatches(trajectories.slice(0, kept), batchSize, 7).map((chunk, i) => {
        const batchPath = path.join(dir, `${name}-step${i + 1}.jsonl`);
        writeFileSync(batchPath, chunk.map((t) => JSON.stringify(t)).join('\n') + '\n');
        return { step: nextStep + i, batchPath };
      });
      nextStep += steps.length;
      const input = { runId, kind: 'dapo', steps, modelPath: services.modelDir, runsDir: dir, config: { lr: 1e-3 }, keepCheckpoints: 2, milestone };
      return (await services.client.workflow.execute('trainSteps', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/${name}`, args: [input] })) as TrainStepsResult;
    };
    const checkpoints = () => readdirSync(path.join(dir, runId, 'checkpoints')).filter((n) => n.startsWith('step-')).sort();

    for (const [name, kept, batchSize, expected] of [['it-1', 13, 4, [4, 3, 3, 3]], ['it-2', 5, 5, [5]], ['it-3', 9, 4, [3, 3, 3]], ['it-4', 13, 13, [13]]] as const) {
      const result = await iterate(name, kept, batchSize, name === 'it-1');
      expect(result.steps.map((s) => s.trajectories)).toEqual(expected);
      expect(result.steps).toHaveLength(Math.ceil(kept / batchSize));
      expect(result.steps.every((s) => s.applied)).toBe(true);
      expect(result.step).toBe(nextStep - 1);
      expect(path.basename(result.checkpointPath)).toBe(`step-${String(nextStep - 1).padStart(6, '0')}`);
      // The sampler/trainer gap is measured on every step; before any update it is the mismatch.
      for (const s of result.steps) expect(s.logprobDiffMax).toBeGreaterThanOrEqual(s.logprobDiffMean ?? Infinity);
    }
    // One checkpoint per iteration; retention kept the newest 2 and the milestone (it-1's, step 4).
    expect(readdirSync(path.join(dir, runId, 'steps'))).toHaveLength(nextStep - 1);
    expect(checkpoints()).toEqual(['step-000004', 'step-000008', 'step-000009']);
  });

  it("recomputes the trainer's old log-probs under the sampling weights before the first step when asked (TIS)", async () => {
    const turns = await Promise.all(Array.from({ length: 4 }, (_, i) => sample(200 + i)));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-tis-'));
    const runId = `tis-${randomUUID().slice(0, 8)}`;
    const steps = [0, 1].map((k) => {
      const batchPath = path.join(dir, `batch-${k}.jsonl`);
      const lines = turns.slice(k * 2, k * 2 + 2).map((turn, i) => ({
        episode_id: `ep-${k}-${i}`,
        advantage: i === 0 ? 1 : -1,
        messages: [...messages, { role: 'assistant', content: turn.text, token_ids: turn.tokenIds, logprobs: turn.logprobs, format_error: false }],
      }));
      writeFileSync(batchPath, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      return { step: k + 1, batchPath };
    });
    const input = { runId, kind: 'dapo', steps, modelPath: services.modelDir, runsDir: dir, config: { lr: 1e-3, old_logprobs: 'trainer', tis_cap: 2 } };
    const result = (await services.client.workflow.execute('trainSteps', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/it-1`, args: [input] })) as TrainStepsResult;
    expect(result.steps.map((s) => s.applied)).toEqual([true, true]);
    for (const s of steps) expect(existsSync(`${s.batchPath}.trainer-logprobs.json`)).toBe(true);
    expect(result.metrics.tis_weight_mean).toBeGreaterThan(0);
    // The first step's ratio is against the trainer's own log-probs of unchanged weights: exactly 1.
    expect(result.steps[0].ratioMean).toBeCloseTo(1, 4);
    expect(result.steps[1].ratioMean).not.toBeCloseTo(1, 4); // the second batch's were taken before step 1 moved them
  });
});
