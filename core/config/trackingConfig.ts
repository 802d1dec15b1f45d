import { z } from 'zod';

/**
 * Where a run's metrics are tracked (trainer/swe_rl_trainer/tracking/): TensorBoard event files in
 * `runs/<run>/tracking/tensorboard/` unless switched off, Weights & Biases and MLflow when present.
 * Relative paths are relative to the runs folder.
 */
export const trackingConfigSchema = z.strictObject({
  tensorboard: z.boolean().default(true),
  wandb: z.strictObject({
    project: z.string().min(1),
    /** offline: run files under `dir` (default `runs/<run>/tracking/wandb/`), uploaded later with `wandb sync`. */
    mode: z.enum(['offline', 'online']).default('offline'),
    dir: z.string().min(1).optional(),
  }).optional(),
  mlflow: z.strictObject({
    /** Any MLflow tracking URI; a plain path (default `mlruns` in the runs folder) is a file store. */
    trackingUri: z.string().min(1).optional(),
    experiment: z.string().min(1).default('swe-rl'),
  }).optional(),
});

export const DEFAULT_TRACKING = { tensorboard: true } as const;

export type TrackingConfig = z.output<typeof trackingConfigSchema>;
