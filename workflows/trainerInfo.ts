import { proxyActivities } from '@temporalio/workflow';
import { TASK_QUEUES } from '../core/taskQueues';

export interface TrainerInfo {
  python: string;
  torch: string;
  device: string;
  worker_pid: number;
}

/** Python trainer activities, called by name across languages. */
const trainer = proxyActivities<{ trainer_info(): Promise<TrainerInfo> }>({
  taskQueue: TASK_QUEUES.trainer,
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 5 },
});

/** Asks the Python trainer worker what it runs on: proves the cross-language wiring. */
export async function trainerInfo(): Promise<TrainerInfo> {
  return trainer.trainer_info();
}
