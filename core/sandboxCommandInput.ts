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
  exitCode: number;
  output: string;
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
  destroyed: boolean;
}

/** Docker-safe sandbox id derived from a workflow id (which may hold any characters). */
export function sandboxIdFor(workflowId: string, runId: string): string {
  const slug = workflowId.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '').slice(0, 100);
  return `sbx-${slug || 'wf'}-${runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12)}`;
}
