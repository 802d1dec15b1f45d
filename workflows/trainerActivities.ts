import { proxyActivities } from '@temporalio/workflow';
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
}

/** The Python trainer worker's activities, called by name across languages. */
export interface TrainerActivities {
  sft_step(request: StepRequest): Promise<StepMetrics>;
  dapo_step(request: StepRequest): Promise<StepMetrics>;
  save_checkpoint(request: { run_id: string; step: number; runs_dir: string; model_path: string }): Promise<{ path: string; step: number }>;
  publish_checkpoint(request: { checkpoint_path: string; policy_server_url: string; policy_version: number }): Promise<{ policy_version: number }>;
}

/** Training steps are long and heartbeat per micro-batch; a dead trainer is noticed within minutes. */
export const trainer = proxyActivities<TrainerActivities>({
  taskQueue: TASK_QUEUES.trainer,
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '10 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: ['InvalidInput'] },
});
