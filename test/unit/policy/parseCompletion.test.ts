import { isContextLimitError, isModelMissingError, parseCompletion } from '../../../core/policy/parseCompletion';
import { chatRequestBody, chatRequestInputSchema, samplingSchema } from '../../../core/policy/sampling';

const sampling = samplingSchema.parse({});
const vllmResponse = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'policy',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ls' }, finish_reason: 'stop', ...choice }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
  ...extra,
});
const logprobs = { content: [{ token: 'l', logprob: -0.5 }, { token: 's', logprob: -1.25 }] };

describe('chatRequestBody', () => {
  it('sends every sampling parameter explicitly, unbiased by default, and asks for ids and log-probs', () => {
    const body = chatRequestBody('policy', [{ role: 'user', content: 'hi' }], sampling);
    expect(body).toMatchObject({ temperature: 1, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1, logprobs: true, return_token_ids: true, n: 1 });
  });

  it('sends the policy name as the model', () => {
    expect(chatRequestBody('run-a@step-000004', [{ role: 'user', content: 'hi' }], sampling).model).toBe('run-a@step-000004');
  });

  it('takes an optional checkpoint to load the policy from, never an empty one', () => {
    const base = { serverUrl: 'http://127.0.0.1:1', model: 'run-a@step-000004', messages: [{ role: 'user', content: 'hi' }] };
    expect(chatRequestInputSchema.parse(base).checkpointPath).toBeUndefined();
    expect(chatRequestInputSchema.parse({ ...base, checkpointPath: '/c' }).checkpointPath).toBe('/c');
    expect(chatRequestInputSchema.safeParse({ ...base, checkpointPath: '' }).success).toBe(false);
  });

  it('refuses out-of-range sampling values', () => {
    expect(samplingSchema.safeParse({ top_p: 0 }).success).toBe(false);
    expect(samplingSchema.safeParse({ temperature: -1 }).success).toBe(false);
  });
});

describe('parseCompletion', () => {
  it('reads text, sampled ids, log-probs, usage and the policy version (return_token_ids)', () => {
    const turn = parseCompletion('srv', vllmResponse({ logprobs, token_ids: [7, 9] }, { policy_version: 3 }), sampling, null);
    expect(turn).toMatchObject({ status: 'ok', text: 'ls', tokenIds: [7, 9], logprobs: [-0.5, -1.25], promptTokenCount: 12, finishReason: 'stop', policyVersion: 3 });
    expect(turn.sampling).toBe(sampling);
  });

  it('reads ids from token_id:N strings (return_tokens_as_token_ids), version from the header', () => {
    const lp = { content: [{ token: 'token_id:11', logprob: -0.1 }, { token: 'token_id:4', logprob: -0.2 }] };
    const turn = parseCompletion('srv', vllmResponse({ logprobs: lp }), sampling, '5');
    expect(turn.tokenIds).toEqual([11, 4]);
    expect(turn.policyVersion).toBe(5);
  });

  it('falls back to the expected version when the server does not say (vLLM)', () => {
    expect(parseCompletion('srv', vllmResponse({ logprobs, token_ids: [1, 2] }), sampling, null, 8).policyVersion).toBe(8);
  });

  it('reads the policy name from the body, else the X-Policy-Name header, else vLLM\'s served `model`', () => {
    const body = vllmResponse({ logprobs, token_ids: [1, 2] }, { policy: 'run-a@step-000004' });
    expect(parseCompletion('srv', body, sampling, null, undefined, 'other').policyName).toBe('run-a@step-000004');
    const plain = vllmResponse({ logprobs, token_ids: [1, 2] });
    expect(parseCompletion('srv', plain, sampling, null, undefined, 'run-b@step-000001').policyName).toBe('run-b@step-000001');
    expect(parseCompletion('srv', plain, sampling, null).policyName).toBe('policy'); // vLLM's --served-model-name
    expect(parseCompletion('srv', { ...plain, model: undefined }, sampling, null)).not.toHaveProperty('policyName');
  });

  it('names the server and the missing field', () => {
    expect(() => parseCompletion('http://srv', vllmResponse({ token_ids: [1, 2] }), sampling, null)).toThrow(
      /policy server http:\/\/srv: response field choices\[0\]\.logprobs\.content is missing/,
    );
    expect(() => parseCompletion('http://srv', vllmResponse({ logprobs }), sampling, null)).toThrow(/choices\[0\]\.token_ids is missing/);
    expect(() => parseCompletion('http://srv', vllmResponse({ logprobs, token_ids: [1] }), sampling, null)).toThrow(/has 1 ids but logprobs has 2/);
    expect(() => parseCompletion('http://srv', { choices: [] }, sampling, null)).toThrow(/choices is missing or empty/);
    expect(() => parseCompletion('http://srv', vllmResponse({ logprobs, token_ids: [1, 2] }, { usage: undefined }), sampling, null)).toThrow(/usage\.prompt_tokens/);
  });
});

describe('isContextLimitError', () => {
  it("recognises vLLM's context-length error and nothing else", () => {
    const vllm = JSON.stringify({ object: 'error', message: "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens", code: 400 });
    expect(isContextLimitError(400, vllm)).toBe(true);
    expect(isContextLimitError(400, '{"message":"top_p must be in (0, 1]"}')).toBe(false);
    expect(isContextLimitError(500, vllm)).toBe(false);
  });
});

describe('isModelMissingError', () => {
  it("recognises the server saying it does not serve the model (vLLM's words, either body shape)", () => {
    expect(isModelMissingError(404, JSON.stringify({ object: 'error', message: 'The model `run-a@step-000001` does not exist.', code: 404 }))).toBe(true);
    expect(isModelMissingError(404, JSON.stringify({ error: { message: 'The model `x` does not exist.', code: 404 } }))).toBe(true);
    expect(isModelMissingError(404, '{"error":{"message":"no route POST /v1/chat"}}')).toBe(false);
    expect(isModelMissingError(400, 'The model `x` does not exist.')).toBe(false);
  });
});
