import { writeFileSync } from 'node:fs';
import { episodePrompt, type PromptStyle } from '../../core/agent/promptStyle';
import type { EpisodePrompt } from '../../core/agent/conversation';
import { episodeFile, promptFile, readTurns, type EpisodeRef } from './episodeStore';
import { writeJsonOnce } from './files';

export interface InitEpisodeInput extends EpisodeRef {
  problemStatement: string;
  commandTimeoutSeconds: number;
  promptStyle?: PromptStyle;
}

/** Writes the episode's system prompt and first message once (a retry keeps the first). */
export async function initEpisode(input: InitEpisodeInput): Promise<{ promptChars: number }> {
  const prompt = writeJsonOnce<EpisodePrompt>(promptFile(input), episodePrompt(input.promptStyle ?? 'full', input));
  return { promptChars: prompt.system.length + prompt.user.length };
}

export interface EpisodeSummary {
  episodeKey: string;
  instanceId: string;
  sample: number;
  attempt: number;
  status: 'completed' | 'failed';
  endReason: 'submitted' | 'turn_limit' | 'context_limit' | 'sandbox_lost' | 'error';
  testReward: 0 | 1;
  gradeReason: string;
  steps: number;
  formatErrors: number;
  completionTokens: number;
  policyVersion: number | null;
  durationMs: number;
  error?: string;
}

/** Records the summary once; checks that every stored turn is whole (policy part, then observation). */
export async function finishEpisode(input: EpisodeRef & { summary: EpisodeSummary }): Promise<EpisodeSummary> {
  const turns = readTurns(input);
  const incomplete = turns.slice(0, -1).filter((t) => t.observation === null).map((t) => t.policy.turn);
  if (incomplete.length > 0) throw new Error(`episode ${input.episodeKey}: turns ${incomplete.join(', ')} have no observation`);
  const summary = writeJsonOnce(episodeFile(input, 'summary.json'), input.summary);
  writeFileSync(episodeFile(input, 'summary.txt'), `${summary.instanceId} ${summary.endReason} reward=${summary.testReward} steps=${summary.steps}\n`);
  return summary;
}
