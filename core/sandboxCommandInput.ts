import { z } from 'zod';
import { DEFAULT_SANDBOX_IMAGE, sandboxLimitsSchema } from './sandboxSpec';

/** Input of the `sandboxCommand` workflow: run one command in a fresh sandbox and return its output. */
export const sandboxCommandInputSchema = z.strictObject({
  command: z.string().min(1, 'must not be empty'),
  image: z.string().min(1).default(DEFAULT_SANDBOX_IMAGE),
  timeoutSeconds: z.number().positive().max(3600).default(60),
  maxOutputBytes: z.number().int().min(256).max(10_000_000).default(16_000),
  limits: sandboxLimitsSchema.partial().default({}),
  runId: z.string().min(1).default('adhoc'),
});
export type SandboxCommandInput = z.input<typeof sandboxCommandInputSchema>;

export interface SandboxCommandResult {
  sandboxId: string;
  containerId: string;
  /** The sandbox host that ran it. */
  host: string;
  exitCode: number;
  output: string;
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
  destroyed: boolean;
}
