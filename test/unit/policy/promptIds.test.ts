import { completionRequestBody, PromptIdsMismatch, textAfterReply } from '../../../core/policy/promptIds';

const prompt = '<|im_start|>user\nfix it<|im_end|>\n<|im_start|>assistant\n';
const closed = `${prompt}ls<|im_end|>\n`;
const extended = `${closed}<|im_start|>user\na.py<|im_end|>\n<|im_start|>assistant\n`;

describe('textAfterReply', () => {
  it('drops the end-of-turn marker the policy sampled itself', () => {
    const after = textAfterReply({ previousPromptText: prompt, replyContent: 'ls', closedText: closed, extendedText: extended, lastSampledText: '<|im_end|>' });
    expect(after).toBe('\n<|im_start|>user\na.py<|im_end|>\n<|im_start|>assistant\n');
  });

  it('keeps the marker when the reply was cut by the token limit', () => {
    const after = textAfterReply({ previousPromptText: prompt, replyContent: 'ls', closedText: closed, extendedText: extended, lastSampledText: 's' });
    expect(after).toBe('<|im_end|>\n<|im_start|>user\na.py<|im_end|>\n<|im_start|>assistant\n');
  });

  it('refuses a template that does not render the previous prompt and reply', () => {
    expect(() => textAfterReply({ previousPromptText: prompt, replyContent: 'pwd', closedText: closed, extendedText: extended, lastSampledText: '' }))
      .toThrow(PromptIdsMismatch);
    expect(() => textAfterReply({ previousPromptText: prompt, replyContent: 'ls', closedText: closed, extendedText: `x${extended}`, lastSampledText: '' }))
      .toThrow(/renders the conversation differently/);
  });
});

it('sends the prompt as token ids with every sampling field and log-probs of the sampled tokens', () => {
  const body = completionRequestBody('r@step-000001', [1, 2, 3], { temperature: 1, top_p: 1, max_tokens: 8 });
  expect(body).toEqual({ model: 'r@step-000001', prompt: [1, 2, 3], n: 1, stream: false, temperature: 1, top_p: 1, max_tokens: 8, logprobs: 0, return_token_ids: true });
});
