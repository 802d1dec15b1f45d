import type { RunConfig } from './runConfig';

/** Trainer settings every step shares (the Python trainer's config keys). */
export function sharedTrainerOptions(config: RunConfig): Record<string, number> {
  return {
    micro_batch_size: config.trainer.microBatchSize,
    ...(config.trainer.microBatchTokens !== undefined ? { micro_batch_tokens: config.trainer.microBatchTokens } : {}),
    max_length: config.trainer.maxSequenceTokens,
    grad_clip: config.trainer.gradClip,
    weight_decay: config.trainer.weightDecay,
  };
}

/** How soon trainSteps counts the run's trainer as gone (trainSteps input `trainerTimeouts`). */
export function trainerTimeouts(config: RunConfig): { hostTimeoutSeconds: number; heartbeatSeconds: number } {
  return { hostTimeoutSeconds: config.trainer.hostTimeoutSeconds, heartbeatSeconds: config.trainer.heartbeatTimeoutSeconds };
}
