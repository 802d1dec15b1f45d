/**
 * Token-in: each turn's prompt ids are the previous prompt's ids, the previous sampled ids, then
 * the tokenisation of the template text that follows the reply (its end-of-turn marker unless the
 * policy sampled it, and the new observation up to the next generation prompt). Earlier turns are
 * never re-tokenised, so the ids sent are the ids the trainer trains on
 * (trainer/swe_rl_trainer/serving/incremental_prompt.py is the same algorithm in Python).
 */
export class PromptIdsMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptIdsMismatch';
  }
}

export interface RenderedTurn {
  /** The text of the previous prompt's ids. */
  previousPromptText: string;
  /** The previous reply's content. */
  replyContent: string;
  /** The chat template over the conversation up to and including that reply (no generation prompt). */
  closedText: string;
  /** The chat template over the conversation plus the new messages, with the generation prompt. */
  extendedText: string;
  /** The text of the last sampled id (e.g. `<|im_end|>`), '' when none was sampled. */
  lastSampledText: string;
}

/** The template text to tokenise and append after the previous prompt ids and sampled ids. */
export function textAfterReply(turn: RenderedTurn): string {
  if (!turn.extendedText.startsWith(turn.closedText)) {
    throw new PromptIdsMismatch('the chat template renders the conversation differently once new messages follow it');
  }
  const upToReply = turn.previousPromptText + turn.replyContent;
  if (!turn.closedText.startsWith(upToReply)) {
    throw new PromptIdsMismatch("the chat template does not render the previous prompt followed by the reply's content");
  }
  let after = turn.closedText.slice(upToReply.length) + turn.extendedText.slice(turn.closedText.length);
  const sampledEnd = turn.lastSampledText;
  if (sampledEnd && after.startsWith(sampledEnd) && !turn.replyContent.endsWith(sampledEnd)) after = after.slice(sampledEnd.length);
  return after;
}

/** vLLM's /v1/completions body with the prompt as token ids, every sampling field explicit. */
export function completionRequestBody(model: string, promptIds: number[], sampling: Record<string, unknown>): Record<string, unknown> {
  return { model, prompt: promptIds, n: 1, stream: false, ...sampling, logprobs: 0, return_token_ids: true };
}
