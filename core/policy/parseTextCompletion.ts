import { asObject, BadPolicyResponse, firstChoice, type PolicyTurn } from './parseCompletion';
import type { SamplingParams } from './sampling';

/**
 * Reads one /v1/completions answer (vLLM's shape with return_token_ids): `choices[0].text`,
 * `choices[0].token_ids`, `choices[0].logprobs.token_logprobs`, `choices[0].prompt_token_ids`.
 * The prompt ids the server echoes must be the ids sent: a server that changed them breaks token-in.
 */
export function parseTextCompletion(
  server: string,
  body: unknown,
  sentPromptIds: number[],
  sampling: SamplingParams,
  versionHeader: string | null,
  expectedPolicyVersion?: number,
  nameHeader?: string | null,
): PolicyTurn {
  const { root, choice } = firstChoice(server, body);
  if (typeof choice.text !== 'string') throw new BadPolicyResponse(server, 'choices[0].text', 'is not a string');
  const logprobs = asObject(choice.logprobs, server, 'choices[0].logprobs').token_logprobs;
  const values = numbers(server, logprobs, 'choices[0].logprobs.token_logprobs', false);
  const tokenIds = numbers(server, choice.token_ids, 'choices[0].token_ids (request return_token_ids: true)', true);
  if (tokenIds.length !== values.length) {
    throw new BadPolicyResponse(server, 'choices[0].token_ids', `has ${tokenIds.length} ids but token_logprobs has ${values.length} entries`);
  }
  if (choice.prompt_token_ids !== undefined) {
    const echoed = numbers(server, choice.prompt_token_ids, 'choices[0].prompt_token_ids', true);
    if (echoed.length !== sentPromptIds.length || echoed.some((id, i) => id !== sentPromptIds[i])) {
      throw new BadPolicyResponse(server, 'choices[0].prompt_token_ids', 'differ from the prompt ids sent');
    }
  }
  const versionFromBody = typeof root.policy_version === 'number' ? root.policy_version : undefined;
  const versionFromHeader = versionHeader !== null && /^\d+$/.test(versionHeader) ? Number(versionHeader) : undefined;
  // vLLM names the served model in `model`; the CPU server also in `policy`.
  const policyName = [root.policy, nameHeader, root.model].find((n): n is string => typeof n === 'string' && n.length > 0);
  return {
    status: 'ok',
    text: choice.text,
    tokenIds,
    logprobs: values,
    promptTokenCount: sentPromptIds.length,
    completionTokenCount: tokenIds.length,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : 'unknown',
    policyVersion: versionFromBody ?? versionFromHeader ?? expectedPolicyVersion ?? null,
    ...(policyName ? { policyName } : {}),
    sampling,
  };
}

function numbers(server: string, value: unknown, field: string, ids: boolean): number[] {
  if (!Array.isArray(value)) throw new BadPolicyResponse(server, field, 'is missing');
  return value.map((v, i) => {
    const ok = ids ? Number.isInteger(v) && (v as number) >= 0 : typeof v === 'number' && !Number.isNaN(v);
    if (!ok) throw new BadPolicyResponse(server, `${field}[${i}]`, ids ? 'is not a token id' : 'is not a number');
    return v as number;
  });
}

