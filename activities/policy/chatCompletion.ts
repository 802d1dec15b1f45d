import { ApplicationFailure } from '@temporalio/common';
import {
  BadPolicyResponse, isContextLimitError, isModelMissingError, parseCompletion, type ContextLimitTurn, type PolicyTurn,
} from '../../core/policy/parseCompletion';
import { chatRequestBody, chatRequestInputSchema, type ChatRequestInput } from '../../core/policy/sampling';
import { InvalidInputError, parseOrThrow } from '../../core/validation';
import { loadPolicy } from './loadPolicy';

/**
 * One assistant turn from an OpenAI-compatible server. Connection errors, 429 and 5xx throw
 * retryable failures (the activity's retry policy backs off); a context-length error is returned
 * as `context_limit`, not retried; other 4xx and incomplete responses are non-retryable.
 * A server that does not serve `model` (restarted, or it evicted the policy) is asked to load
 * `checkpointPath` under that name, then the request is sent once more.
 */
export async function chatCompletion(rawInput: ChatRequestInput): Promise<PolicyTurn | ContextLimitTurn> {
  let input;
  try {
    input = parseOrThrow(chatRequestInputSchema, rawInput, 'chatCompletion input');
  } catch (err) {
    if (err instanceof InvalidInputError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidInput');
    throw err;
  }
  const url = `${input.serverUrl.replace(/\/+$/, '')}/v1/chat/completions`;
  const send = () => post(url, chatRequestBody(input.model, input.messages, input.sampling), input.requestTimeoutSeconds);
  let { response, text } = await send();
  if (isModelMissingError(response.status, text) && input.checkpointPath) {
    await loadPolicy({
      serverUrl: input.serverUrl,
      policy: input.model,
      checkpointPath: input.checkpointPath,
      policyVersion: input.expectedPolicyVersion,
      timeoutSeconds: input.requestTimeoutSeconds,
    });
    ({ response, text } = await send());
    if (isModelMissingError(response.status, text)) {
      // loaded, then gone again: the server evicts faster than it is asked; a retry loads it again
      throw ApplicationFailure.retryable(`policy server ${url} lost policy ${input.model} right after loading it`, 'PolicyServerUnavailable');
    }
  }
  if (!response.ok) {
    if (isContextLimitError(response.status, text)) return { status: 'context_limit', message: text.slice(0, 2000) };
    if (response.status === 429 || response.status >= 500) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw ApplicationFailure.create({
        message: `policy server ${url} answered HTTP ${response.status}: ${text.slice(0, 500)}`,
        type: 'PolicyServerBusy',
        nextRetryDelay: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      });
    }
    throw ApplicationFailure.nonRetryable(`policy server ${url} refused the request: HTTP ${response.status}: ${text.slice(0, 1000)}`, 'BadPolicyRequest');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw ApplicationFailure.nonRetryable(`policy server ${url} returned a body that is not JSON: ${text.slice(0, 200)}`, 'BadPolicyResponse');
  }
  try {
    const { headers } = response;
    return parseCompletion(url, body, input.sampling, headers.get('x-policy-version'), input.expectedPolicyVersion, headers.get('x-policy-name'));
  } catch (err) {
    if (err instanceof BadPolicyResponse) throw ApplicationFailure.nonRetryable(err.message, 'BadPolicyResponse');
    throw err;
  }
}

async function post(url: string, body: Record<string, unknown>, timeoutSeconds: number): Promise<{ response: Response; text: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    return { response, text: await response.text() };
  } catch (err) {
    throw ApplicationFailure.retryable(`policy server ${url} unreachable: ${(err as Error).message}`, 'PolicyServerUnavailable');
  }
}
