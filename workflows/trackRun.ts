import { log, patched } from '@temporalio/workflow';
import type { RunConfig } from '../core/runConfig';
import type { RunState } from '../core/runState';
import { tracker } from './trainerActivities';

/** How a failed sync is counted in the run's failures (the `status` query shows them). */
export const TRACKING_FAILURE = 'tracking_failed';

/**
 * Sends what the run folder holds now to the run's trackers and renders its learning curve. A
 * failure is counted and logged, never fails the run: the next sync sends what this one missed.
 */
export async function trackRun(config: RunConfig, state: RunState): Promise<void> {
  if (!patched('experiment-tracking')) return;
  try {
    await tracker.track_run({ run_id: config.runId, runs_dir: config.runsDir, tracking: config.tracking, trainer_step: state.trainerStep });
  } catch (err) {
    state.failuresByReason[TRACKING_FAILURE] = (state.failuresByReason[TRACKING_FAILURE] ?? 0) + 1;
    log.warn(`run ${config.runId}: experiment tracking failed: ${(err as Error).message}`);
  }
}
