import { proxyActivities } from '@temporalio/workflow';
import type * as sandbox from '../activities/sandbox';
import { TASK_QUEUES } from '../core/taskQueues';

/** Sandbox lifecycle: creation may pull or start slowly; failures of infrastructure are retried. */
export const sandboxLifecycle = proxyActivities<typeof sandbox>({
  taskQueue: TASK_QUEUES.sandbox,
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: ['InvalidInput', 'SandboxImageMissing'] },
});

/** One command in a sandbox; the command has its own timeout inside the activity. */
export const sandboxExec = proxyActivities<typeof sandbox>({
  taskQueue: TASK_QUEUES.sandbox,
  startToCloseTimeout: '65 minutes',
  scheduleToCloseTimeout: '2 hours',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidInput', 'SandboxLost'] },
});
