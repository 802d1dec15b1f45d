import type { SamplingParams } from './sampling';

export interface PolicyTurn {
  status: 'ok';
  text: string;
  tokenIds: number[];
  logprobs: number[];
  promptTokenCount: number;
  completionTokenCount: number;
  finishReason: string;
  policyVersion: number | null;
  /** The served policy's name when the server says it (body `policy` or header X-Policy-Name). */
  policyName?: string;
  sampling: SamplingParams;
}

export interface ContextLimitTurn {
  status: 'context_limit';
  message: string;
}

/** A response that lacks what training needs; the message names the server and the field. */
export class BadPolicyResponse extends Error {
  constructor(server: string, field: string, problem: string) {
    super(`policy server ${server}: response field ${field} ${problem}`);
    this.name = 'BadPolicyResponse';
  }
}

const CONTEXT_LIMIT = /maximum context length|context length|too many tokens|prompt is too long|exceeds the (model'?s )?context/i;

/** Whether an HTTP error body is the server saying the prompt does not fit the context window. */
export function isContextLimitError(status: number, body: string): boolean {
  return (status === 400 || status === 413 || status === 422) && CONTEXT_LIMIT.test(body);
}

/** Whether an HTTP error is the server saying it does not serve the model (vLLM's and our words). */
export function isModelMissingError(status: number, body: string): boolean {
  return status === 404 && /The model `[^`]*` does not exist/.test(body);
}

/** The response body and its first choice, or a BadPolicyResponse naming what is missing. */
export function firstChoice(server: string, body: unknown): { root: Record<string, unknown>; choice: Record<string, unknown> } {
  const root = asObject(body, server, '(body)');
  if (!Array.isArray(root.choices) || root.choices.length === 0) throw new BadPolicyResponse(server, 'choices', 'is missing or empty');
  return { root, choice: asObject(root.choices[0], server, 'choices[0]') };
}

/**
 * Reads one chat completion (vLLM's shape): text, the sampled token ids (`choices[0].token_ids`
 * with return_token_ids, else `token_id:N` strings with return_tokens_as_token_ids) and their
 * log-probs (`choices[0].logprobs.content[].logprob`), plus usage, the policy version and name.
 */
export function parseCompletion(
  server: string,
  body: unknown,
  sampling: SamplingParams,
  versionHeader: string | null,
  expectedPolicyVersion?: number,
  nameHeader?: string | null,
): PolicyTurn {
  const { root, choice } = firstChoice(server, body);
  const message = asObject(choice.message, server, 'choices[0].message');
  const text = typeof message.content === 'string' ? message.content : message.content === null ? '' : undefined;
  if (text === undefined) throw new BadPolicyResponse(server, 'choices[0].message.content', 'is not a string');

  const logprobsObj = choice.logprobs === null || choice.logprobs === undefined ? undefined : asObject(choice.logprobs, server, 'choices[0].logprobs');
  const content = logprobsObj?.content;
  if (!Array.isArray(content)) {
    throw new BadPolicyResponse(server, 'choices[0].logprobs.content', 'is missing: the server must return log-probs (request logprobs: true)');
  }
  const logprobs = content.map((entry, i) => {
    const lp = (entry as { logprob?: unknown })?.logprob;
    if (typeof lp !== 'number' || Number.isNaN(lp)) throw new BadPolicyResponse(server, `choices[0].logprobs.content[${i}].logprob`, 'is not a number');
    return lp;
  });

  const tokenIds = readTokenIds(server, choice, content);
  if (tokenIds.length !== logprobs.length) {
    throw new BadPolicyResponse(server, 'choices[0].token_ids', `has ${tokenIds.length} ids but logprobs has ${logprobs.length} entries`);
  }

  const usage = (root.usage ?? {}) as { prompt_tokens?: unknown; completion_tokens?: unknown };
  const promptIds = root.prompt_token_ids;
  const promptTokenCount = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : Array.isArray(promptIds) ? promptIds.length : undefined;
  if (promptTokenCount === undefined) throw new BadPolicyResponse(server, 'usage.prompt_tokens', 'is missing');

  const versionFromBody = typeof root.policy_version === 'number' ? root.policy_version : undefined;
  const versionFromHeader = versionHeader !== null && /^\d+$/.test(versionHeader) ? Number(versionHeader) : undefined;
  // vLLM says the served name only in `model` (its --served-model-name); the CPU server also in `policy`.
  const servedName = typeof root.model === 'string' && root.model ? root.model : undefined;
  const policyName = typeof root.policy === 'string' && root.policy ? root.policy : nameHeader || servedName;
  return {
    status: 'ok',
    text,
    tokenIds,
    logprobs,
    promptTokenCount,
    completionTokenCount: tokenIds.length,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : 'unknown',
    policyVersion: versionFromBody ?? versionFromHeader ?? expectedPolicyVersion ?? null,
    ...(policyName ? { policyName } : {}),
    sampling,
  };
}

function readTokenIds(server: string, choice: Record<string, unknown>, content: unknown[]): number[] {
  if (Array.isArray(choice.token_ids)) {
    return choice.token_ids.map((id, i) => {
      if (!Number.isInteger(id) || (id as number) < 0) throw new BadPolicyResponse(server, `choices[0].token_ids[${i}]`, 'is not a token id');
      return id as number;
    });
  }
  // return_tokens_as_token_ids: each logprob entry's token is the string "token_id:<id>".
  const ids = content.map((entry) => /^token_id:(\d+)$/.exec(String((entry as { token?: unknown })?.token))?.[1]);
  if (content.length > 0 && ids.every((id) => id !== undefined)) return ids.map(Number);
  throw new BadPolicyResponse(
    server,
    'choices[0].token_ids',
    'is missing: the server must return the sampled token ids (request return_token_ids: true)',
  );
}

export function asObject(value: unknown, server: string, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadPolicyResponse(server, field, 'is not an object');
  return value as Record<string, unknown>;
}
