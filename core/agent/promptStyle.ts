import { z } from 'zod';
import { compactFirstUserMessage, compactSystemPrompt } from './compactPrompts';
import { firstUserMessage, systemPrompt } from './prompts';
import type { EpisodePrompt } from './conversation';

export const promptStyleSchema = z.enum(['full', 'compact']);
export type PromptStyle = z.infer<typeof promptStyleSchema>;

/** The opening messages of an episode in the chosen style. */
export function episodePrompt(style: PromptStyle, input: { problemStatement: string; commandTimeoutSeconds: number }): EpisodePrompt {
  if (style === 'compact') {
    return { system: compactSystemPrompt(), user: compactFirstUserMessage({ problemStatement: input.problemStatement }) };
  }
  return {
    system: systemPrompt({ commandTimeoutSeconds: input.commandTimeoutSeconds }),
    user: firstUserMessage({ problemStatement: input.problemStatement }),
  };
}
