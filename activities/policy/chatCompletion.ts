import { ApplicationFailure } from '@temporalio/common';
import { BadPolicyResponse, isContextLimitError, parseCompletion, type ContextLimitTurn, type PolicyTurn } from '../../core/policy/parseCompletion';
import { chatRequestBody, chatRequestInputSchema, type ChatRequestInput } from '../../core/policy/sampling';
import { InvalidInputError, parseOrThrow } from '../../core/validation';

/**
 * One assistant turn from an OpenAI-compatible server. Connection errors, 429 and 5xx throw
 * retryable failures (the activity's retry policy backs off); a context-length error is returned
 * as `context_limit`, not retried; other 4xx and incomplete responses are non-retryable.
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
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatRequestBody(input.model, input.messages, input.sampling)),
      signal: AbortSignal.timeout(input.requestTimeoutSeconds * 1000),
    });
  } catch (err) {
    throw ApplicationFailure.retryable(`policy server ${url} unreachable: ${(err as Error).message}`, 'PolicyServerUnavailable');
  }
  const text = await response.text();
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
    return parseCompletion(url, body, input.sampling, response.headers.get('x-policy-version'), input.expectedPolicyVersion);
  } catch (err) {
    if (err instanceof BadPolicyResponse) throw ApplicationFailure.nonRetryable(err.message, 'BadPolicyResponse');
    throw err;
  }
}
