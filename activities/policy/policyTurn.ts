import { ApplicationFailure } from '@temporalio/common';
import { conversationMessages, type PolicyTurnRecord } from '../../core/agent/conversation';
import { parseAction } from '../../core/agent/parseAction';
import { renderFormatErrorObservation } from '../../core/agent/prompts';
import type { ShellState } from '../../core/agent/shellCommand';
import type { SamplingParams } from '../../core/policy/sampling';
import { readConversationTurns, readPrompt, turnPath, type EpisodeRef } from '../store/episodeStore';
import { readJsonIfExists, writeJsonOnce } from '../store/files';
import { assertEpisodeSandbox } from '../store/episodeSandbox';
import { chatCompletion } from './chatCompletion';
import { tokenInCompletion, type TokenInTurn } from './tokenIn';
import type { ContextLimitTurn, PolicyTurn } from '../../core/policy/parseCompletion';
import { withHeartbeat } from '../heartbeat';

export interface PolicyTurnInput extends EpisodeRef {
  turn: number;
  /** The sandbox that owns the episode's turns; a turn stored against another one is refused. */
  sandboxId?: string;
  serverUrl: string;
  /** The served policy's name, `<run>@step-000004`. */
  model: string;
  /** Its weights, loaded under `model` when the server lacks it. */
  checkpointPath?: string;
  sampling: Omit<SamplingParams, 'max_tokens'>;
  maxTokensPerTurn: number;
  contextTokens: number;
  expectedPolicyVersion?: number;
  requestTimeoutSeconds: number;
  /** The shell state to show in a format-error observation. */
  state: ShellState;
  /** Send the prompt as token ids built from the previous turn's (config `policy.tokenIn`, tokenIn.ts). */
  tokenIn?: boolean;
}

export type PolicyTurnResult =
  | {
      status: 'ok';
      action: PolicyTurnRecord['action'];
      completionTokens: number;
      promptTokens: number;
      policyVersion: number | null;
    }
  | { status: 'context_limit'; message: string };

/**
 * One assistant turn: reads the conversation from the store, samples the policy, parses the
 * action and stores the turn under (episode, turn). A retry finds the stored turn and returns it
 * without sampling again, so a turn is never duplicated.
 */
export async function policyTurn(input: PolicyTurnInput): Promise<PolicyTurnResult> {
  assertEpisodeSandbox(input, input.sandboxId);
  const file = turnPath(input, input.turn, 'policy');
  const stored = readJsonIfExists<PolicyTurnRecord>(file);
  if (stored) {
    if (input.sandboxId && stored.sandboxId && stored.sandboxId !== input.sandboxId) {
      throw ApplicationFailure.nonRetryable(`episode ${input.episodeKey} turn ${input.turn} was taken against sandbox ${stored.sandboxId}, not ${input.sandboxId}`, 'StoreMismatch');
    }
    return summarise(stored);
  }

  const turns = readConversationTurns(input, input.turn);
  if (turns.length !== input.turn - 1) {
    throw ApplicationFailure.nonRetryable(`episode ${input.episodeKey}: asked for turn ${input.turn} but the store holds ${turns.length} turns`, 'StoreMismatch');
  }
  if (turns.some((t) => t.observation === null)) {
    throw ApplicationFailure.nonRetryable(`episode ${input.episodeKey}: a turn before ${input.turn} has no observation`, 'StoreMismatch');
  }
  const lastPrompt = turns.at(-1)?.policy.promptTokens ?? 0;
  const maxTokens = Math.min(input.maxTokensPerTurn, input.contextTokens - lastPrompt);
  if (maxTokens <= 0) return { status: 'context_limit', message: `the conversation already holds ${lastPrompt} of ${input.contextTokens} tokens` };

  const request = {
    serverUrl: input.serverUrl,
    model: input.model,
    checkpointPath: input.checkpointPath,
    messages: conversationMessages(readPrompt(input), turns),
    sampling: { ...input.sampling, max_tokens: maxTokens },
    expectedPolicyVersion: input.expectedPolicyVersion,
    requestTimeoutSeconds: input.requestTimeoutSeconds,
  };
  const last = turns.at(-1)?.policy;
  const answer: PolicyTurn | ContextLimitTurn | TokenInTurn = await withHeartbeat(() => input.tokenIn
    ? tokenInCompletion({
      ...request,
      // each observation is one user message after the reply (conversationMessages)
      previous: last?.promptTokenIds ? { promptTokenIds: last.promptTokenIds, tokenIds: last.tokenIds, content: last.content, newMessages: 1 } : undefined,
    })
    : chatCompletion(request));
  if (answer.status === 'context_limit') return answer;
  if (answer.promptTokenCount + answer.completionTokenCount > input.contextTokens) {
    return { status: 'context_limit', message: `prompt ${answer.promptTokenCount} + reply ${answer.completionTokenCount} tokens exceed ${input.contextTokens}` };
  }
  const action = parseAction(answer.text);
  const record = writeJsonOnce<PolicyTurnRecord>(file, {
    turn: input.turn,
    content: answer.text,
    tokenIds: answer.tokenIds,
    logprobs: answer.logprobs,
    promptTokens: answer.promptTokenCount,
    finishReason: answer.finishReason,
    policyVersion: answer.policyVersion,
    ...(answer.policyName ? { policy: answer.policyName } : {}),
    ...('promptTokenIds' in answer ? { promptTokenIds: (answer as TokenInTurn & { promptTokenIds: number[] }).promptTokenIds } : {}),
    action,
    ...(input.sandboxId ? { sandboxId: input.sandboxId } : {}),
    ...(action.kind === 'format_error' ? { observation: renderFormatErrorObservation(action.message, input.state) } : {}),
  });
  return summarise(record);
}

function summarise(record: PolicyTurnRecord): PolicyTurnResult {
  return {
    status: 'ok',
    action: record.action,
    completionTokens: record.tokenIds.length,
    promptTokens: record.promptTokens,
    policyVersion: record.policyVersion,
  };
}
