import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { chatCompletion } from '../../activities/policy/chatCompletion';
import type { PolicyTurn } from '../../core/policy/parseCompletion';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { TrainStepResult } from '../../core/trainStepInput';
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

  it('runs a DAPO step, saves and publishes a checkpoint through Temporal, idempotently', async () => {
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
    const input = { runId, step: 1, kind: 'dapo', batchPath, modelPath: services.modelDir, runsDir: dir, config: { lr: 1e-3 }, policyServerUrl: services.server.url };
    const first = (await services.client.workflow.execute('trainStep', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/step-1`, args: [input] })) as TrainStepResult;
    expect(first.applied).toBe(true);
    expect(first.policyVersion).toBe(1);
    expect(existsSync(path.join(first.checkpointPath, 'model.safetensors'))).toBe(true);
    const models = (await (await fetch(`${services.server.url}/v1/models`)).json()) as { data: { policy_version: number }[] };
    expect(models.data[0].policy_version).toBe(1);
    expect((await sample(4)).policyVersion).toBe(1);

    const again = (await services.client.workflow.execute('trainStep', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/step-1-retry`, args: [input] })) as TrainStepResult;
    expect(again.applied).toBe(false);
    expect(again.checkpointPath).toBe(first.checkpointPath);
    expect(again.metrics.loss).toBe(first.metrics.loss);
  });
});
