import { proxyActivities } from '@temporalio/workflow';
import type * as policy from '../activities/policy';
import type * as sandbox from '../activities/sandbox';
import type * as store from '../activities/store';
import { TASK_QUEUES } from '../core/taskQueues';

// Every activity that can be in flight heartbeats or has a short start-to-close, so a dead worker
// or a restarted Temporal server is noticed within about half a minute, not a whole timeout.
// Retries back off to at most 10-15 s, so work resumes within seconds of an outage's end, and
// schedule-to-close budgets ride out outages of the engine, the policy server or the store that
// last minutes.

/**
 * Sandbox placement on the shared queue: any host with a free slot takes it. Waiting for a slot
 * is a retried `NoSandboxSlot`, for up to two hours, so episodes queue instead of overcommitting.
 */
export const sandboxPlacement = proxyActivities<typeof sandbox>({
  taskQueue: TASK_QUEUES.sandbox,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 hours',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: ['InvalidInput', 'SandboxImageMissing', 'EnvironmentUnavailable'] },
});

/** Grading in a fresh container on any host; a host lost mid-grading is retried on another. */
export function gradingActivities(testTimeoutSeconds: number) {
  return proxyActivities<typeof sandbox>({
    taskQueue: TASK_QUEUES.sandbox,
    startToCloseTimeout: `${testTimeoutSeconds + 300} seconds`,
    heartbeatTimeout: '30 seconds',
    scheduleToCloseTimeout: `${testTimeoutSeconds + 3600} seconds`,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', nonRetryableErrorTypes: ['InvalidInput', 'SandboxImageMissing', 'EnvironmentUnavailable'] },
  });
}

export interface HostCallOptions {
  /** The sandbox's host queue (`swe-rl-sandbox@<host>`), from its placement. */
  taskQueue: string;
  /** How long a call may wait for the host to take it: past this the host is lost. */
  hostTimeoutSeconds: number;
  /** The longest command the calls run. */
  commandTimeoutSeconds: number;
}

/**
 * Calls of one live sandbox, on its host's own queue. A host that stops polling is noticed by the
 * schedule-to-start timeout (never retried: a retry would wait on the same queue); an engine
 * that is down is retried for up to 15 minutes; a lost sandbox is not retried (the episode starts
 * afresh in a new one).
 */
export function sandboxHostActivities(options: HostCallOptions) {
  return proxyActivities<typeof sandbox>({
    taskQueue: options.taskQueue,
    scheduleToStartTimeout: `${options.hostTimeoutSeconds} seconds`,
    startToCloseTimeout: `${options.commandTimeoutSeconds + 120} seconds`,
    scheduleToCloseTimeout: `${options.commandTimeoutSeconds + 120 + 900} seconds`,
    heartbeatTimeout: '20 seconds',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: ['InvalidInput', 'SandboxLost', 'StoreMismatch'] },
  });
}

/** Store bookkeeping on the orchestrator queue: cheap and local; an unreachable store is retried for half an hour. */
export const storeActivities = proxyActivities<typeof store>({
  taskQueue: TASK_QUEUES.orchestrator,
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: ['InvalidInput', 'InvalidTaskFile', 'RunFolderTaken', 'StoreMismatch'] },
});

/** Store work that grows with the iteration (batches): heartbeats instead of a short timeout. */
export const storeBatchActivities = proxyActivities<typeof store>({
  taskQueue: TASK_QUEUES.orchestrator,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 hours',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: ['InvalidInput', 'InvalidTaskFile', 'StoreMismatch'] },
});

/** Policy calls: connection errors, 429 and 5xx retried for up to 30 minutes (an outage is ridden out); bad requests are not. */
export function policyActivities(requestTimeoutSeconds: number) {
  return proxyActivities<typeof policy>({
    taskQueue: TASK_QUEUES.policy,
    startToCloseTimeout: `${requestTimeoutSeconds + 60} seconds`,
    scheduleToCloseTimeout: `${requestTimeoutSeconds + 60 + 1800} seconds`,
    heartbeatTimeout: '30 seconds',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '10s',
      nonRetryableErrorTypes: ['InvalidInput', 'BadPolicyRequest', 'BadPolicyResponse', 'StoreMismatch'],
    },
  });
}
