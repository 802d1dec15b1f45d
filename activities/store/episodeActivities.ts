import { ApplicationFailure } from '@temporalio/common';
import type { FailureReason } from '../../core/failures/failurePolicy';
import { writeFileSync } from 'node:fs';
import { episodePrompt, type PromptStyle } from '../../core/agent/promptStyle';
import type { EpisodePrompt } from '../../core/agent/conversation';
import { episodeFile, promptFile, readTurns, type EpisodeRef } from './episodeStore';
import { writeJsonOnce } from './files';
import { bindEpisodeSandbox } from './episodeSandbox';
import { taskOf } from './stagedTasks';
import type { StagedTask } from '../../core/tasks/stagedTask';

export interface InitEpisodeInput extends EpisodeRef {
  /** The text, or (staged tasks) the reference its record is read from. */
  problemStatement?: string;
  taskRef?: StagedTask;
  commandTimeoutSeconds: number;
  promptStyle?: PromptStyle;
  /** The sandbox that owns the episode's turns from now on, and its host. */
  sandboxId: string;
  host: string;
}

/**
 * Binds the episode's store to its sandbox (an earlier attempt against another sandbox is moved
 * aside) and writes the system prompt and first message once (a retry keeps the first).
 */
export async function initEpisode(input: InitEpisodeInput): Promise<{ promptChars: number; superseded: string | null }> {
  const { superseded } = bindEpisodeSandbox(input, { sandboxId: input.sandboxId, host: input.host });
  const problemStatement = input.problemStatement ?? taskOf({ taskRef: input.taskRef }, 'initEpisode').problem_statement;
  const prompt = writeJsonOnce<EpisodePrompt>(promptFile(input), episodePrompt(input.promptStyle ?? 'full', { ...input, problemStatement }));
  return { promptChars: prompt.system.length + prompt.user.length, superseded };
}

export interface EpisodeSummary {
  episodeKey: string;
  instanceId: string;
  sample: number;
  attempt: number;
  status: 'completed' | 'failed';
  /** How the episode ended; for failed episodes the failure reason (core/failures/failurePolicy.ts). */
  endReason: 'submitted' | 'turn_limit' | 'context_limit' | 'disk_limit' | FailureReason;
  testReward: 0 | 1;
  gradeReason: string;
  steps: number;
  formatErrors: number;
  completionTokens: number;
  policyVersion: number | null;
  durationMs: number;
  error?: string;
  /** Reasons of the earlier attempts of this sample that failed and were tried again afresh. */
  earlierAttempts?: string[];
  /** Where the sandbox lived: the host that created it, and the host that destroyed it (null: it could not be reached). */
  sandbox?: { sandboxId: string; host: string; destroyedOn: string | null } | null;
}

/** Records the summary once; checks that every stored turn is whole (policy part, then observation). */
export async function finishEpisode(input: EpisodeRef & { summary: EpisodeSummary }): Promise<EpisodeSummary> {
  const turns = readTurns(input);
  const incomplete = turns.slice(0, -1).filter((t) => t.observation === null).map((t) => t.policy.turn);
  if (incomplete.length > 0) {
    throw ApplicationFailure.nonRetryable(`episode ${input.episodeKey}: turns ${incomplete.join(', ')} have no observation`, 'StoreMismatch');
  }
  const summary = writeJsonOnce(episodeFile(input, 'summary.json'), input.summary);
  writeFileSync(episodeFile(input, 'summary.txt'), `${summary.instanceId} ${summary.endReason} reward=${summary.testReward} steps=${summary.steps}\n`);
  return summary;
}
