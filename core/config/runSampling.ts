import { z } from 'zod';
import type { SamplingParams } from '../policy/sampling';

/**
 * Spellings of the run config's keys before they were all camelCase (release 0.1), with their new
 * names; the old ones are still accepted in this release and refused in the next.
 */
export const DEPRECATED_SAMPLING_KEYS = {
  top_p: 'topP',
  top_k: 'topK',
  min_p: 'minP',
  repetition_penalty: 'repetitionPenalty',
} as const;

/**
 * The run's sampling parameters (camelCase like every run config key), sent on every request
 * under the server's names (`toRequestSampling`). The defaults are unbiased: a hidden top-k or
 * min-p would bias the importance ratio.
 */
const camelSamplingSchema = z.strictObject({
  temperature: z.number().min(0).max(10).default(1.0),
  topP: z.number().gt(0).max(1).default(1.0),
  topK: z.number().int().min(-1).default(-1),
  minP: z.number().min(0).max(1).default(0),
  repetitionPenalty: z.number().gt(0).default(1.0),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).optional(),
});

/** Renames deprecated keys to their camelCase names; a key given in both spellings is left for the schema to refuse. */
export function renameDeprecatedSamplingKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const renamed: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [old, current] of Object.entries(DEPRECATED_SAMPLING_KEYS)) {
    if (old in renamed && !(current in renamed)) {
      renamed[current] = renamed[old];
      delete renamed[old];
    }
  }
  return renamed;
}

export const runSamplingSchema = z.preprocess(renameDeprecatedSamplingKeys, camelSamplingSchema);
export type RunSampling = z.output<typeof camelSamplingSchema>;

/** What the policy server is sent (vLLM / OpenAI names) and every episode records. */
export function toRequestSampling(s: RunSampling): Omit<SamplingParams, 'max_tokens'> {
  return {
    temperature: s.temperature,
    top_p: s.topP,
    top_k: s.topK,
    min_p: s.minP,
    repetition_penalty: s.repetitionPenalty,
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.stop !== undefined ? { stop: s.stop } : {}),
  };
}

/** Messages for deprecated key spellings in a raw config (`sampling.top_p` -> `sampling.topP`). */
export function deprecatedKeyWarnings(raw: unknown): string[] {
  const sampling = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).sampling : undefined;
  if (typeof sampling !== 'object' || sampling === null) return [];
  return Object.entries(DEPRECATED_SAMPLING_KEYS)
    .filter(([old]) => old in sampling)
    .map(([old, current]) =>
      current in sampling
        ? `sampling.${old} and sampling.${current} are both set; remove sampling.${old} (the old spelling)`
        : `sampling.${old} is deprecated: write sampling.${current} (the old spelling is accepted in this release only)`,
    );
}

export const DEFAULT_RUN_SAMPLING: RunSampling = camelSamplingSchema.parse({});
