import { publishRouteSchema } from './policy/publishRoute';
import { z } from 'zod';

/** One optimizer step: its number in the run's step ledger and its batch file (one mini-batch). */
export const plannedStepSchema = z.strictObject({
  step: z.number().int().min(1),
  batchPath: z.string().min(1),
});

export const trainStepsInputSchema = z
  .strictObject({
    runId: z.string().min(1),
    kind: z.enum(['sft', 'dapo']),
    /** The iteration's (or RFT phase's) optimizer steps, in order, numbered one after another. */
    steps: z.array(plannedStepSchema).min(1),
    modelPath: z.string().min(1),
    runsDir: z.string().min(1),
    config: z.record(z.string(), z.unknown()).default({}),
    /** Publish the checkpoint of the last step to this policy server as version `step`. */
    policyServerUrl: z.url().optional(),
    /** How the checkpoint is published (core/policy/publishRoute.ts); absent: the server's own load. */
    publishRoute: z.strictObject({ route: publishRouteSchema.optional(), publish_url: z.url().optional() }).optional(),
    /** Retention after the checkpoint: the newest N stay, besides the milestones. */
    keepCheckpoints: z.number().int().min(1).optional(),
    /** The checkpoint ends RFT or a stage: retention never removes it. */
    milestone: z.boolean().default(false),
    /** How soon a trainer that stopped taking the run's calls counts as gone (config.trainer). */
    trainerTimeouts: z.strictObject({
      hostTimeoutSeconds: z.number().int().min(1),
      heartbeatSeconds: z.number().int().min(1),
    }).optional(),
  })
  .superRefine((input, ctx) => {
    input.steps.forEach((s, i) => {
      if (i > 0 && s.step !== input.steps[i - 1].step + 1) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'step'], message: `steps must follow one another: step ${s.step} after ${input.steps[i - 1].step}` });
      }
    });
  });
export type TrainStepsInput = z.input<typeof trainStepsInputSchema>;

/** What the trainer reports of one step (a subset of its result, with the names metrics use). */
export interface StepSummary {
  step: number;
  applied: boolean;
  trajectories: number;
  actionTokens: number;
  loss: number | null;
  gradNorm: number | null;
  lr: number | null;
  clipFracLow: number | null;
  clipFracHigh: number | null;
  ratioMean: number | null;
  /** |trainer log-prob - sampler log-prob| over action tokens before the step: mean and max. */
  logprobDiffMean: number | null;
  logprobDiffMax: number | null;
  seconds: number | null;
}

export interface TrainStepsResult {
  /** The last step. */
  step: number;
  /** Whether any step was applied now (false when every step had been applied before). */
  applied: boolean;
  checkpointPath: string;
  policyVersion: number | null;
  /** The last step's full trainer result. */
  metrics: Record<string, unknown>;
  steps: StepSummary[];
  removedCheckpoints: number[];
  /** The policy server refused the publish (e.g. the name is served from another path): the steps and checkpoint stand. */
  publishError?: string;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The trainer's result of one step as a StepSummary. */
export function summariseStep(result: Record<string, unknown>): StepSummary {
  return {
    step: Number(result.step),
    applied: result.applied === true,
    trajectories: Number(result.num_sequences ?? 0),
    actionTokens: Number(result.num_action_tokens ?? 0),
    loss: numberOrNull(result.loss),
    gradNorm: numberOrNull(result.grad_norm),
    lr: numberOrNull(result.lr),
    clipFracLow: numberOrNull(result.clip_frac_low),
    clipFracHigh: numberOrNull(result.clip_frac_high),
    ratioMean: numberOrNull(result.ratio_mean),
    logprobDiffMean: numberOrNull(result.logprob_diff_mean),
    logprobDiffMax: numberOrNull(result.logprob_diff_max),
    seconds: numberOrNull(result.duration_s),
  };
}

/** Mean of a step metric over the steps that have it (null when none). */
export function meanOf(steps: StepSummary[], pick: (s: StepSummary) => number | null): number | null {
  const values = steps.map(pick).filter((v): v is number => v !== null);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}
