import { proxyActivities } from '@temporalio/workflow';
import { activityFailureKind } from './describeFailure';
import { TASK_QUEUES } from '../core/taskQueues';
import type { TrainerActivities } from './trainerActivities';

export interface RunIdentity {
  run_id: string;
  runs_dir: string;
  model_path: string;
}

export interface TrainerTimeouts {
  /** How long a call may wait on the holder's own queue before the holder counts as gone. */
  hostTimeoutSeconds: number;
  heartbeatSeconds: number;
}

export const DEFAULT_TRAINER_TIMEOUTS: TrainerTimeouts = { hostTimeoutSeconds: 120, heartbeatSeconds: 120 };

/** The run's trainer may be loading a large model (or replaying steps) when it answers. */
const placement = proxyActivities<Pick<TrainerActivities, 'acquire_run'>>({
  taskQueue: TASK_QUEUES.trainer,
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30, nonRetryableErrorTypes: ['InvalidInput'] },
});

function onQueue(taskQueue: string, timeouts: TrainerTimeouts): TrainerActivities {
  return proxyActivities<TrainerActivities>({
    taskQueue,
    scheduleToStartTimeout: `${timeouts.hostTimeoutSeconds} seconds`,
    startToCloseTimeout: '4 hours',
    heartbeatTimeout: `${timeouts.heartbeatSeconds} seconds`,
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: ['InvalidInput', 'TrainerNotOwner', 'PublishRejected'] },
  });
}

/** The trainer process that held the run is gone (its queue is not polled) or no longer holds it. */
export function isHandover(err: unknown): boolean {
  const kind = activityFailureKind(err);
  return kind === 'SCHEDULE_TO_START' || kind === 'TrainerNotOwner';
}

/**
 * Sends a run's trainer calls to the one process that holds the run's weights (Temporal's
 * worker-specific task queue pattern): the run is acquired on the shared queue, which answers with
 * the holder's own queue; every call goes there. When the holder dies or lets the run go, the next
 * call fails as a handover, the run is acquired again (a new holder loads the checkpoint and
 * replays the step ledger) and the call is repeated: trainer calls are idempotent by (run, step).
 */
export class RunTrainer {
  private activities: TrainerActivities | undefined;
  handovers = 0;

  constructor(private readonly run: RunIdentity, private readonly timeouts: TrainerTimeouts = DEFAULT_TRAINER_TIMEOUTS, private readonly maxHandovers = 20) {}

  async call<T>(fn: (trainer: TrainerActivities) => Promise<T>): Promise<T> {
    for (;;) {
      if (!this.activities) {
        const holder = await placement.acquire_run(this.run);
        this.activities = onQueue(holder.task_queue, this.timeouts);
      }
      try {
        return await fn(this.activities);
      } catch (err) {
        if (!isHandover(err) || this.handovers >= this.maxHandovers) throw err;
        this.handovers++;
        this.activities = undefined;
      }
    }
  }
}
