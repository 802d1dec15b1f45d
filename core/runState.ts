import { z } from 'zod';

/** Small state carried across continue-as-new (everything else lives in the store). */
export const runStateSchema = z.strictObject({
  rftDone: z.boolean(),
  stageIndex: z.number().int().min(0),
  iterationInStage: z.number().int().min(0),
  iteration: z.number().int().min(0),
  policyVersion: z.number().int().min(0),
  trainerStep: z.number().int().min(0),
  checkpointPath: z.string().nullable(),
  allowedTaskIds: z.array(z.string()).nullable(),
  paused: z.boolean(),
  lastMetrics: z.any().nullable(),
  /** Milestone evaluations done so far (base, rft, rl). */
  evaluated: z.array(z.string()).default([]),
  /** Failed episodes by reason over the finished rollouts. */
  failuresByReason: z.record(z.string(), z.number()).default({}),
  /** Rollouts of the current phase thrown away (failure budget exceeded, then resumed). */
  retry: z.number().int().min(0).default(0),
  pausedReason: z.string().nullable().default(null),
  /** Drain asked for: the run ends after the iteration in flight; kept across continue-as-new. */
  draining: z.boolean().default(false),
  /** Set by `swe-rl resume`: the trainer first drops the steps and checkpoints past this step. */
  rollbackTo: z.number().int().min(0).nullable().default(null),
  /** How often the run was resumed after it stopped. */
  resumes: z.number().int().min(0).default(0),
});
export type RunState = z.output<typeof runStateSchema>;

export const INITIAL_RUN_STATE: RunState = {
  rftDone: false,
  stageIndex: 0,
  iterationInStage: 0,
  iteration: 0,
  policyVersion: 0,
  trainerStep: 0,
  checkpointPath: null,
  allowedTaskIds: null,
  paused: false,
  lastMetrics: null,
  evaluated: [],
  failuresByReason: {},
  retry: 0,
  pausedReason: null,
  draining: false,
  rollbackTo: null,
  resumes: 0,
};

/** How a run's last execution ended, as `swe-rl resume` reads it from Temporal. */
export interface LastExecution {
  status: string;
  /** The state the execution started with (absent for a run's first execution). */
  startState?: unknown;
  /** A completed execution's result: its outcome and, for a drained run, its state. */
  result?: { outcome?: string; state?: unknown };
}

/**
 * The state a stopped run resumes with: from its last completed iteration (the state its last
 * execution started with, or a drained run's final state), unpaused, with fresh ids for the phase
 * it redoes (`retry`), and the trainer rolled back to the last completed iteration's step.
 */
export function resumedState(runId: string, last: LastExecution): RunState {
  if (last.status === 'RUNNING' || last.status === 'PAUSED') throw new Error(`run ${runId} is running: there is nothing to resume (swe-rl status ${runId})`);
  if (last.status === 'COMPLETED' && last.result?.outcome !== 'drained') throw new Error(`run ${runId} completed: there is nothing to resume`);
  const raw = last.status === 'COMPLETED' ? last.result?.state ?? last.startState : last.startState;
  const parsed = raw === undefined ? { success: true as const, data: { ...INITIAL_RUN_STATE } } : runStateSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`run ${runId}: its last state cannot be read: ${parsed.error.message}`);
  const base = parsed.data;
  return { ...base, paused: false, pausedReason: null, draining: false, retry: base.retry + 1, rollbackTo: base.trainerStep, resumes: base.resumes + 1 };
}
