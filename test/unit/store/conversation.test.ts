import { conversationMessages, trajectoryOf, type TurnPair } from '../../../core/agent/conversation';
import { episodeDir, turnFile } from '../../../core/store/runPaths';

const prompt = { system: 'sys', user: 'issue' };
const turn = (n: number, content: string, kind: 'command' | 'format_error', observation: string | null): TurnPair => ({
  policy: {
    turn: n,
    content,
    tokenIds: [n, n + 1],
    logprobs: [-0.1, -0.2],
    promptTokens: 10,
    finishReason: 'stop',
    policyVersion: 1,
    action: kind === 'command' ? { kind, command: 'ls', thought: '' } : { kind, error: 'no_command', message: 'cannot extract command' },
  },
  observation,
});

describe('conversation and trajectory', () => {
  const turns = [turn(1, 'a', 'command', 'obs1'), turn(2, 'b', 'format_error', 'cannot extract command'), turn(3, 'c', 'command', null)];

  it('interleaves assistant turns and observations after the system prompt and the issue', () => {
    expect(conversationMessages(prompt, turns).map((m) => `${m.role}:${m.content}`)).toEqual([
      'system:sys', 'user:issue', 'assistant:a', 'user:obs1', 'assistant:b', 'user:cannot extract command', 'assistant:c',
    ]);
  });

  it('keeps sampled ids and log-probs on assistant turns and flags format errors', () => {
    const t = trajectoryOf('ep', prompt, turns, 0.5);
    expect(t.advantage).toBe(0.5);
    const assistants = t.messages.filter((m) => m.role === 'assistant');
    expect(assistants.map((m) => m.token_ids)).toEqual([[1, 2], [2, 3], [3, 4]]);
    expect(assistants.map((m) => m.format_error)).toEqual([false, true, false]);
    expect(t.messages.filter((m) => m.role !== 'assistant').every((m) => m.token_ids === undefined)).toBe(true);
  });
});

describe('run paths', () => {
  it('refuses episode keys that could escape the run folder', () => {
    expect(() => episodeDir('/runs', 'r', '../x')).toThrow(/bad episode key/);
    expect(() => episodeDir('/runs', 'r', 'a/../../x')).toThrow(/bad episode key/);
    expect(episodeDir('/runs', 'r', 'it-0001/t/s0/a0')).toBe('/runs/r/episodes/it-0001/t/s0/a0');
    expect(turnFile('/e', 7, 'policy')).toBe('/e/turns/0007.policy.json');
  });
});
