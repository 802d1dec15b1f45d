import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import * as policyActivities from '../activities/policy';
import * as sandboxActivities from '../activities/sandbox';
import * as metricsActivities from '../activities/metrics';
import * as storeActivities from '../activities/store';
import { TASK_QUEUES } from '../core/taskQueues';

/** Worker options per task queue; the entry points only connect and run these. */
export function orchestratorWorker(connection: NativeConnection, namespace: string): WorkerOptions {
  return {
    connection,
    namespace,
    taskQueue: TASK_QUEUES.orchestrator,
    workflowsPath: require.resolve('../workflows'),
    activities: { ...storeActivities, ...metricsActivities },
  };
}

export function sandboxWorker(connection: NativeConnection, namespace: string): WorkerOptions {
  return {
    connection,
    namespace,
    taskQueue: TASK_QUEUES.sandbox,
    activities: sandboxActivities,
    maxConcurrentActivityTaskExecutions: Number(process.env.SWE_RL_SANDBOXES_PER_HOST ?? 4),
  };
}

export function policyWorker(connection: NativeConnection, namespace: string): WorkerOptions {
  return {
    connection,
    namespace,
    taskQueue: TASK_QUEUES.policy,
    activities: policyActivities,
    maxConcurrentActivityTaskExecutions: Number(process.env.SWE_RL_POLICY_CONCURRENCY ?? 8),
  };
}
