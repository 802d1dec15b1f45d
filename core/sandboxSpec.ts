import { z } from 'zod';

export const DEFAULT_SANDBOX_IMAGE = 'swe-rl-sandbox:bookworm';

/** Resource limits of one sandbox container. */
export const sandboxLimitsSchema = z.strictObject({
  memoryMb: z.number().int().min(64).max(1024 * 1024).default(2048),
  cpus: z.number().positive().max(256).default(1),
  pids: z.number().int().min(16).max(1_000_000).default(256),
  network: z.boolean().default(false),
  /**
   * MiB the sandbox may write to the host (its container's writable layer): an engine quota where
   * the storage driver supports one, and a watchdog that kills the container past it
   * (activities/sandbox/diskLimit.ts).
   */
  diskMb: z.number().int().min(64).max(1024 * 1024).default(4096),
});
export type SandboxLimits = z.output<typeof sandboxLimitsSchema>;

/** Docker container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]+; our ids are also readable workflow ids. */
export const sandboxIdSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'must be 1-128 of letters, digits, "_", "." or "-"');

export const createSandboxInputSchema = z.strictObject({
  sandboxId: sandboxIdSchema,
  image: z.string().min(1).default(DEFAULT_SANDBOX_IMAGE),
  runId: z.string().min(1),
  episodeId: z.string().min(1),
  limits: sandboxLimitsSchema.default(sandboxLimitsSchema.parse({})),
  /** Who keeps the sandbox alive, for the reaper: `workflow` or `pid:<n>`; detected when absent. */
  owner: z.string().regex(/^(workflow|pid:\d+)$/).optional(),
  /** `episode` sandboxes count against their host's slots; `grading` and `command` ones do not. */
  kind: z.enum(['episode', 'grading', 'command']).default('command'),
  /** The Temporal run of the owning workflow, for the reaper; taken from the activity when absent. */
  workflowRunId: z.string().optional(),
  /**
   * Who runs commands in the sandbox, where, after which activation (the instance's environment,
   * core/environment); kept on the container, so every later command finds it. Default: uid 1000 in /testbed.
   */
  exec: z
    .strictObject({
      user: z.string().regex(/^(root|\d+)(:\d+)?$/, 'must be uid[:gid] or root'),
      workdir: z.string().startsWith('/'),
      activate: z.string().min(1).optional(),
    })
    .optional(),
});
export type CreateSandboxInput = z.input<typeof createSandboxInputSchema>;

export const execInputSchema = z.strictObject({
  sandboxId: sandboxIdSchema,
  command: z.string().min(1, 'must not be empty'),
  timeoutSeconds: z.number().positive().max(3600).default(60),
  maxOutputBytes: z.number().int().min(256).max(10_000_000).default(16_000),
  workdir: z.string().startsWith('/').default('/testbed'),
});
export type ExecInput = z.input<typeof execInputSchema>;

export interface ExecResult {
  exitCode: number;
  output: string;
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
}

/** Docker-safe sandbox id derived from a workflow id (which may hold any characters). */
export function sandboxIdFor(workflowId: string, runId: string): string {
  const slug = workflowId.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '').slice(0, 100);
  return `sbx-${slug || 'wf'}-${runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12)}`;
}
