import { proxyActivities } from '@temporalio/workflow';
import type { IterationMetrics } from '../core/runStatus';
import { TASK_QUEUES } from '../core/taskQueues';

/** Metrics files and the learning-curve plot (activities/metrics, orchestrator queue). */
export const metrics = proxyActivities<{
  recordIterationMetrics(input: { runsDir: string; runId: string; metrics: IterationMetrics }): Promise<unknown>;
}>({
  taskQueue: TASK_QUEUES.orchestrator,
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5 },
});
