import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { deprecatedKeyWarnings, runSamplingSchema, toRequestSampling } from '../../../core/config/runSampling';
import { episodeInputSchema } from '../../../core/episodeInput';
import { sharedEpisodeInput } from '../../../core/episodeSettings';
import { runConfigSchema } from '../../../core/runConfig';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const local = () => parseYaml(readFileSync(path.join(ROOT, 'configs', 'local.yaml'), 'utf8')) as Record<string, any>;

describe('run config sampling: camelCase keys, the server names on the wire', () => {
  it('defaults to the unbiased sampler', () => {
    expect(runSamplingSchema.parse({})).toEqual({ temperature: 1, topP: 1, topK: -1, minP: 0, repetitionPenalty: 1 });
  });

  it('reads the deprecated snake_case spelling to the same values', () => {
    expect(runSamplingSchema.parse({ top_p: 0.9, top_k: 20, min_p: 0.1, repetition_penalty: 1.05, temperature: 0.7 }))
      .toEqual({ temperature: 0.7, topP: 0.9, topK: 20, minP: 0.1, repetitionPenalty: 1.05 });
    expect(deprecatedKeyWarnings({ sampling: { top_k: 20 } })).toEqual(['sampling.top_k is deprecated: write sampling.topK (the old spelling is accepted in this release only)']);
    expect(deprecatedKeyWarnings({ sampling: { topK: 20 } })).toEqual([]);
    expect(deprecatedKeyWarnings({})).toEqual([]);
  });

  it('checks values under either spelling', () => {
    expect(runSamplingSchema.safeParse({ topP: 0 }).success).toBe(false);
    expect(runSamplingSchema.safeParse({ top_p: 0 }).success).toBe(false);
    expect(runSamplingSchema.safeParse({ topK: 1.5 }).success).toBe(false);
  });

  it('sends vLLM names, carrying seed and stop only when set', () => {
    expect(toRequestSampling(runSamplingSchema.parse({ topK: 20 }))).toEqual({ temperature: 1, top_p: 1, top_k: 20, min_p: 0, repetition_penalty: 1 });
    expect(toRequestSampling(runSamplingSchema.parse({ seed: 3, stop: ['</s>'] }))).toMatchObject({ seed: 3, stop: ['</s>'] });
  });

  it('episodes get the server names from a camelCase config and from an old snake_case one alike', () => {
    const limits = { maxTurns: 3, contextTokens: 512, maxTokensPerTurn: 64 };
    const current = runConfigSchema.parse({ ...local(), sampling: { topP: 0.8 } });
    const old = runConfigSchema.parse({ ...local(), sampling: { top_p: 0.8 } });
    const sent = sharedEpisodeInput(current, limits, 1).policy.sampling;
    expect(sent).toEqual({ temperature: 1, top_p: 0.8, top_k: -1, min_p: 0, repetition_penalty: 1 });
    expect(sharedEpisodeInput(old, limits, 1).policy.sampling).toEqual(sent);
    expect(episodeInputSchema.shape.policy.safeParse(sharedEpisodeInput(current, limits, 1).policy).success).toBe(true);
  });

  it('a parsed config parses again to itself (workflows re-validate the config they are given)', () => {
    const once = runConfigSchema.parse({ ...local(), sampling: { top_p: 0.8 } });
    expect(runConfigSchema.parse(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });
});
