import { z } from 'zod';

/**
 * Sampling parameters, sent explicitly on every request and recorded with every episode. The
 * defaults are unbiased (ARCHITECTURE.md section 5): a server default that silently enabled top_k
 * or min_p would bias the importance ratio.
 */
export const samplingSchema = z.strictObject({
  temperature: z.number().min(0).max(10).default(1.0),
  top_p: z.number().gt(0).max(1).default(1.0),
  top_k: z.number().int().min(-1).default(-1),
  min_p: z.number().min(0).max(1).default(0),
  repetition_penalty: z.number().gt(0).default(1.0),
  max_tokens: z.number().int().positive().default(1024),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).optional(),
});
export type SamplingParams = z.output<typeof samplingSchema>;

export const chatMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type ChatMessage = z.output<typeof chatMessageSchema>;

export const chatRequestInputSchema = z.strictObject({
  serverUrl: z.url(),
  /** The served policy's name (`<run>@step-000004`, see policyName.ts). */
  model: z.string().min(1),
  /** Where the policy's weights are: loaded under `model` when the server says it does not have it. */
  checkpointPath: z.string().min(1).optional(),
  messages: z.array(chatMessageSchema).min(1, 'must hold at least one message'),
  sampling: samplingSchema.default(samplingSchema.parse({})),
  /** The version the orchestrator believes the server holds; used when the server does not say,
   * and sent when loading `checkpointPath`. */
  expectedPolicyVersion: z.number().int().min(0).optional(),
  requestTimeoutSeconds: z.number().positive().default(600),
});
export type ChatRequestInput = z.input<typeof chatRequestInputSchema>;

/** The request body for an OpenAI-compatible server (vLLM field names). */
export function chatRequestBody(model: string, messages: ChatMessage[], sampling: SamplingParams): Record<string, unknown> {
  return {
    model,
    messages,
    n: 1,
    stream: false,
    ...sampling,
    logprobs: true,
    return_token_ids: true,
  };
}
