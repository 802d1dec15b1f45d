import { proxyActivities } from '@temporalio/workflow';
import type * as policy from '../activities/policy';
import type * as sandbox from '../activities/sandbox';
import type * as store from '../activities/store';
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

/** Store bookkeeping on the orchestrator queue: cheap, local, retried generously. */
export const storeActivities = proxyActivities<typeof store>({
  taskQueue: TASK_QUEUES.orchestrator,
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: ['InvalidInput', 'InvalidTaskFile', 'RunFolderTaken'] },
});

/** Policy calls: connection errors, 429 and 5xx retried with backoff; bad requests are not. */
export function policyActivities(requestTimeoutSeconds: number) {
  return proxyActivities<typeof policy>({
    taskQueue: TASK_QUEUES.policy,
    startToCloseTimeout: `${requestTimeoutSeconds + 60} seconds`,
    heartbeatTimeout: '30 seconds',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
      nonRetryableErrorTypes: ['InvalidInput', 'BadPolicyRequest', 'BadPolicyResponse', 'StoreMismatch'],
    },
  });
}

/** Agent turns and grading in sandboxes; a lost sandbox is not retried here (the episode restarts). */
export function sandboxTurnActivities(commandTimeoutSeconds: number, testTimeoutSeconds: number) {
  return proxyActivities<typeof sandbox>({
    taskQueue: TASK_QUEUES.sandbox,
    startToCloseTimeout: `${Math.max(commandTimeoutSeconds, testTimeoutSeconds) + 120} seconds`,
    heartbeatTimeout: '30 seconds',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '30s',
      maximumAttempts: 5,
      nonRetryableErrorTypes: ['InvalidInput', 'SandboxLost', 'SandboxImageMissing'],
    },
  });
}
