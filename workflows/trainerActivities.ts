import { proxyActivities } from '@temporalio/workflow';
import type { TrackingConfig } from '../core/config/trackingConfig';
import { TASK_QUEUES } from '../core/taskQueues';

export interface StepRequest {
  run_id: string;
  step: number;
  batch_path: string;
  model_path: string;
  runs_dir: string;
  config: Record<string, unknown>;
}

export interface StepMetrics {
  applied: boolean;
  step: number;
  kind: 'sft' | 'dapo';
  loss: number;
  lr: number;
  grad_norm: number;
  num_sequences: number;
  num_action_tokens: number;
  duration_s: number;
  clip_frac_low?: number;
  clip_frac_high?: number;
  ratio_mean?: number;
  logprob_diff_mean?: number;
  logprob_diff_max?: number;
}

/** The Python trainer worker's activities, called by name across languages. */
export interface TrainerActivities {
  sft_step(request: StepRequest): Promise<StepMetrics>;
  dapo_step(request: StepRequest): Promise<StepMetrics>;
  recompute_logprobs(request: { run_id: string; at_step: number; batch_path: string; model_path: string; runs_dir: string; config: Record<string, unknown> }): Promise<{ recomputed: boolean; path: string }>;
  save_checkpoint(request: { run_id: string; step: number; runs_dir: string; model_path: string; milestone?: boolean; keep_last?: number }): Promise<{ path: string; step: number; removed_steps?: number[] }>;
  publish_checkpoint(request: { checkpoint_path: string; policy_server_url: string; policy_version: number; policy?: string; route?: string; publish_url?: string }): Promise<{ policy_version: number; policy?: string }>;
  /** On the shared queue: the process holding the run (taking it when free) and its own queue. */
  acquire_run(request: { run_id: string; runs_dir: string; model_path: string }): Promise<{ task_queue: string; worker_id: string; step: number | null }>;
  /** A resumed run: steps and checkpoints past to_step are moved aside and the weights reloaded. */
  rollback_run(request: { run_id: string; runs_dir: string; model_path: string; to_step: number }): Promise<{ to_step: number; abandoned_steps: number[]; abandoned_checkpoints: number[]; moved_to: string | null }>;
  /** Sends the run folder's new points to its trackers and renders the learning curve (any trainer, no lease). */
  track_run(request: TrackRunRequest): Promise<TrackRunResult>;
}

export interface TrackRunRequest {
  run_id: string;
  runs_dir: string;
  tracking: TrackingConfig;
  /** Trainer steps after this one may still be rolled back: they are tracked once an iteration completes them. */
  trainer_step: number;
}

export interface TrackRunResult {
  written: Record<string, { points: number; images: number }>;
  learning_curve: string | null;
  learning_curve_error: string | null;
  corrupt_lines: number;
}

/**
 * The calls of workflows recorded before trainer affinity (`patched('trainer-affinity')`), on the
 * shared queue. Trainer activities are long (a model load, a 131k-token step, a checkpoint of a large model),
 * and heartbeat every SWE_RL_TRAINER_HEARTBEAT_SECONDS (10) from a thread through every phase, so
 * a dead trainer is noticed within two minutes, not at the end of the start-to-close timeout.
 */
export const trainer = proxyActivities<TrainerActivities>({
  taskQueue: TASK_QUEUES.trainer,
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: ['InvalidInput'] },
});

/** Experiment tracking on the shared queue: short, retried a few times; the run goes on without it. */
export const tracker = proxyActivities<Pick<TrainerActivities, 'track_run'>>({
  taskQueue: TASK_QUEUES.trainer,
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidInput'] },
});
