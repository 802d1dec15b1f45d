import type { ChatMessage } from '../policy/sampling';
import type { ParsedAction } from './parseAction';

export interface EpisodePrompt {
  system: string;
  user: string;
}

/** What the policy produced in one turn, exactly as sampled. */
export interface PolicyTurnRecord {
  turn: number;
  content: string;
  tokenIds: number[];
  logprobs: number[];
  promptTokens: number;
  finishReason: string;
  policyVersion: number | null;
  /** The served policy's name when the server said it (`<run>@step-000004`). */
  policy?: string | null;
  /** Token-in: the prompt ids the server was given (the trainer trains on exactly these). */
  promptTokenIds?: number[];
  action: ParsedAction;
  /** For format errors the observation is known without running anything. */
  observation?: string;
  /** The sandbox the turn was taken against (an episode's turns belong to one sandbox). */
  sandboxId?: string;
}

export interface ObservationRecord {
  turn: number;
  observation: string;
  exitCode: number | null;
  timedOut: boolean;
  /** The sandbox and host that ran the command. */
  sandboxId?: string;
  host?: string;
  /** Set when the sandbox was stopped by a limit while running this command. */
  stopped?: 'disk_limit';
}

export interface TurnPair {
  policy: PolicyTurnRecord;
  observation: string | null;
}

/** Chat messages for the next policy call: system, issue, then each turn and its observation. */
export function conversationMessages(prompt: EpisodePrompt, turns: TurnPair[]): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ];
  for (const t of turns) {
    messages.push({ role: 'assistant', content: t.policy.content });
    if (t.observation !== null) messages.push({ role: 'user', content: t.observation });
  }
  return messages;
}

export interface TrainingMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  token_ids?: number[];
  logprobs?: number[];
  format_error?: boolean;
  prompt_token_ids?: number[];
}

export interface Trajectory {
  episode_id: string;
  advantage?: number;
  messages: TrainingMessage[];
}

/**
 * The trainer's trajectory: assistant turns carry the sampled token ids and their log-probs
 * (never a re-tokenisation), and a flag for format errors (masked out of the RFT loss).
 */
export function trajectoryOf(episodeId: string, prompt: EpisodePrompt, turns: TurnPair[], advantage?: number): Trajectory {
  const messages: TrainingMessage[] = [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ];
  for (const t of turns) {
    messages.push({
      role: 'assistant',
      content: t.policy.content,
      token_ids: t.policy.tokenIds,
      logprobs: t.policy.logprobs,
      format_error: t.policy.action.kind === 'format_error',
      ...(t.policy.promptTokenIds ? { prompt_token_ids: t.policy.promptTokenIds } : {}),
    });
    if (t.observation !== null) messages.push({ role: 'user', content: t.observation });
  }
  return advantage === undefined ? { episode_id: episodeId, messages } : { episode_id: episodeId, advantage, messages };
}
