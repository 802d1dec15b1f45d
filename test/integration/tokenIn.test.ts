import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trajectoryOf, type PolicyTurnRecord, type TurnPair } from '../../core/agent/conversation';
import { parseAction } from '../../core/agent/parseAction';
import { samplingSchema } from '../../core/policy/sampling';
import { tokenInCompletion, type TokenInTurn } from '../../activities/policy/tokenIn';
import { conversationMessages } from '../../core/agent/conversation';
import { buildTinyModel, PYTHON, startPolicyServer, type StartedProcess } from './support/pythonServices';

jest.setTimeout(180_000);

/** The trainer's sequence for a trajectory, and its token-in mismatch count, from the real sequence builder. */
function trainerSequence(modelDir: string, trajectory: unknown): { input_ids: number[]; prompt_mismatch_turns: number } {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'token-in-')), 'batch.jsonl');
  writeFileSync(file, JSON.stringify(trajectory) + '\n');
  const script = [
    'import json, sys',
    'from swe_rl_trainer.model_io import load_tokenizer',
    'from swe_rl_trainer.sequence_builder import build_sequence',
    'from swe_rl_trainer.trajectory_batch import load_batch',
    't = load_tokenizer(sys.argv[1])',
    's = build_sequence(load_batch(sys.argv[2], require_advantage=True)[0], t, vocab_size=len(t), mask_format_errors=False)',
    'print(json.dumps({"input_ids": s.input_ids, "prompt_mismatch_turns": s.prompt_mismatch_turns}))',
  ].join('\n');
  const result = spawnSync(PYTHON, ['-c', script, modelDir, file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { input_ids: number[]; prompt_mismatch_turns: number };
}

describe('token-in against the CPU policy server', () => {
  let modelDir: string;
  let server: StartedProcess & { url: string };

  beforeAll(async () => {
    modelDir = buildTinyModel(0);
    server = await startPolicyServer(modelDir, ['--served-model-name', 'r1@step-000000']);
  });
  afterAll(async () => server?.stop());

  it('sends each prompt as ids that are the prefix of the sequence the trainer trains on', async () => {
    const prompt = { system: 'You fix bugs.', user: 'The tests fail.' };
    const turns: TurnPair[] = [];
    const sent: number[][] = [];
    for (let turn = 1; turn <= 3; turn += 1) {
      const last = turns.at(-1)?.policy;
      const answer = (await tokenInCompletion({
        serverUrl: server.url,
        model: 'r1@step-000000',
        messages: conversationMessages(prompt, turns),
        previous: last?.promptTokenIds ? { promptTokenIds: last.promptTokenIds, tokenIds: last.tokenIds, content: last.content, newMessages: 1 } : undefined,
        sampling: samplingSchema.parse({ max_tokens: 6, seed: turn }),
        requestTimeoutSeconds: 60,
      })) as Extract<TokenInTurn, { status: 'ok' }>;
      expect(answer.status).toBe('ok');
      expect(answer.policyName).toBe('r1@step-000000');
      sent.push(answer.promptTokenIds);
      const record: PolicyTurnRecord = {
        turn, content: answer.text, tokenIds: answer.tokenIds, logprobs: answer.logprobs, promptTokens: answer.promptTokenCount,
        finishReason: answer.finishReason, policyVersion: answer.policyVersion, action: parseAction(answer.text), promptTokenIds: answer.promptTokenIds,
      };
      turns.push({ policy: record, observation: `observation ${turn}: 3 files` });
    }
    const trajectory = trajectoryOf('e1', prompt, turns, 1);
    const sequence = trainerSequence(modelDir, trajectory);
    turns.forEach((t, i) => {
      expect(sequence.input_ids.slice(0, sent[i].length)).toEqual(sent[i]);
      expect(sequence.input_ids.slice(sent[i].length, sent[i].length + t.policy.tokenIds.length)).toEqual(t.policy.tokenIds);
    });
    expect(sent[1].length).toBeGreaterThan(sent[0].length + turns[0].policy.tokenIds.length);
    expect(sequence.prompt_mismatch_turns).toBe(0); // the template's re-tokenisation agrees here
  });

  it('loads a policy the server lacks before tokenising for it', async () => {
    const answer = await tokenInCompletion({
      serverUrl: server.url,
      model: 'r1@step-000001',
      checkpointPath: modelDir,
      messages: [{ role: 'user', content: 'hi' }],
      sampling: samplingSchema.parse({ max_tokens: 3, seed: 1 }),
      expectedPolicyVersion: 1,
      requestTimeoutSeconds: 60,
    });
    expect(answer.status).toBe('ok');
    expect(answer.status === 'ok' && answer.policyName).toBe('r1@step-000001');
  });
});
