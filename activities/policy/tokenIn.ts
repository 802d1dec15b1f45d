import { ApplicationFailure } from '@temporalio/common';
import type { ChatMessage, SamplingParams } from '../../core/policy/sampling';
import { BadPolicyResponse, isContextLimitError, isModelMissingError, type ContextLimitTurn, type PolicyTurn } from '../../core/policy/parseCompletion';
import { parseTextCompletion } from '../../core/policy/parseTextCompletion';
import { completionRequestBody, PromptIdsMismatch, textAfterReply } from '../../core/policy/promptIds';
import { loadPolicy } from './loadPolicy';

export interface TokenInRequest {
  serverUrl: string;
  model: string;
  checkpointPath?: string;
  /** The conversation so far; it ends with the new observation(s) when `previous` is set. */
  messages: ChatMessage[];
  /** The last turn's prompt ids and sampled ids; absent on the first turn. */
  previous?: { promptTokenIds: number[]; tokenIds: number[]; content: string; newMessages: number };
  sampling: SamplingParams;
  expectedPolicyVersion?: number;
  requestTimeoutSeconds: number;
}

export type TokenInTurn = (PolicyTurn & { promptTokenIds: number[] }) | ContextLimitTurn;

/**
 * One assistant turn with the prompt sent as token ids (vLLM's /v1/completions), built from the
 * previous turn's ids with /tokenize and /detokenize, which vLLM also serves.
 */
export async function tokenInCompletion(input: TokenInRequest): Promise<TokenInTurn> {
  const base = input.serverUrl.replace(/\/+$/, '');
  const server = new TokenizerClient(base, input.model, input.requestTimeoutSeconds);
  const load = () => loadPolicy({ serverUrl: base, policy: input.model, checkpointPath: input.checkpointPath!, policyVersion: input.expectedPolicyVersion, timeoutSeconds: input.requestTimeoutSeconds });
  let promptIds: number[];
  try {
    promptIds = await promptIdsFor(server, input);
  } catch (err) {
    if (!(err instanceof ModelMissing) || !input.checkpointPath) throw err instanceof ModelMissing ? err.failure : err;
    await load(); // a server restarted or evicted the policy: the tokenizer is the policy's
    promptIds = await promptIdsFor(server, input);
  }
  const url = `${base}/v1/completions`;
  const { max_tokens, ...sampling } = input.sampling;
  const body = completionRequestBody(input.model, promptIds, { ...sampling, max_tokens });
  let { response, text } = await post(url, body, input.requestTimeoutSeconds);
  if (isModelMissingError(response.status, text) && input.checkpointPath) {
    await load();
    ({ response, text } = await post(url, body, input.requestTimeoutSeconds));
  }
  if (!response.ok) {
    if (isContextLimitError(response.status, text)) return { status: 'context_limit', message: text.slice(0, 2000) };
    if (response.status === 429 || response.status >= 500) throw ApplicationFailure.retryable(`policy server ${url} answered HTTP ${response.status}: ${text.slice(0, 500)}`, 'PolicyServerBusy');
    throw ApplicationFailure.nonRetryable(`policy server ${url} refused the request: HTTP ${response.status}: ${text.slice(0, 1000)}`, 'BadPolicyRequest');
  }
  try {
    const turn = parseTextCompletion(url, JSON.parse(text), promptIds, input.sampling, response.headers.get('x-policy-version'), input.expectedPolicyVersion, response.headers.get('x-policy-name'));
    return { ...turn, promptTokenIds: promptIds };
  } catch (err) {
    if (err instanceof BadPolicyResponse || err instanceof SyntaxError) throw ApplicationFailure.nonRetryable((err as Error).message, 'BadPolicyResponse');
    throw err;
  }
}

async function promptIdsFor(server: TokenizerClient, input: TokenInRequest): Promise<number[]> {
  const previous = input.previous;
  if (!previous) return server.chatIds(input.messages, true);
  const conversation = input.messages.slice(0, input.messages.length - previous.newMessages);
  try {
    const after = textAfterReply({
      previousPromptText: await server.text(previous.promptTokenIds),
      replyContent: previous.content,
      closedText: await server.text(await server.chatIds(conversation, false)),
      extendedText: await server.text(await server.chatIds(input.messages, true)),
      lastSampledText: await server.text(previous.tokenIds.slice(-1)),
    });
    return [...previous.promptTokenIds, ...previous.tokenIds, ...(await server.textIds(after))];
  } catch (err) {
    if (err instanceof PromptIdsMismatch) throw ApplicationFailure.nonRetryable(`token-in for ${input.model}: ${err.message}`, 'PromptIdsMismatch');
    throw err;
  }
}

/** The server does not serve the model: the caller may load it and ask again. */
class ModelMissing extends Error {
  constructor(readonly failure: ApplicationFailure) {
    super(failure.message);
  }
}

class TokenizerClient {
  constructor(private readonly base: string, private readonly model: string, private readonly timeoutSeconds: number) {}

  async chatIds(messages: ChatMessage[], addGenerationPrompt: boolean): Promise<number[]> {
    return (await this.call('/tokenize', { messages, add_generation_prompt: addGenerationPrompt })).tokens as number[];
  }

  async textIds(text: string): Promise<number[]> {
    return text ? ((await this.call('/tokenize', { prompt: text, add_special_tokens: false })).tokens as number[]) : [];
  }

  async text(ids: number[]): Promise<string> {
    return ids.length ? String((await this.call('/detokenize', { tokens: ids })).prompt) : '';
  }

  private async call(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = this.base + path;
    const { response, text } = await post(url, { model: this.model, ...body }, this.timeoutSeconds);
    if (response.status === 429 || response.status >= 500) throw ApplicationFailure.retryable(`policy server ${url} answered HTTP ${response.status}: ${text.slice(0, 500)}`, 'PolicyServerBusy');
    const refused = () => ApplicationFailure.nonRetryable(`policy server ${url} refused: HTTP ${response.status}: ${text.slice(0, 1000)}`, 'BadPolicyRequest');
    if (isModelMissingError(response.status, text)) throw new ModelMissing(refused());
    if (!response.ok) throw refused();
    return JSON.parse(text) as Record<string, unknown>;
  }
}

async function post(url: string, body: Record<string, unknown>, timeoutSeconds: number): Promise<{ response: Response; text: string }> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    return { response, text: await response.text() };
  } catch (err) {
    throw ApplicationFailure.retryable(`policy server ${url} unreachable: ${(err as Error).message}`, 'PolicyServerUnavailable');
  }
}
