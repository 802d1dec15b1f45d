import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import * as policyActivities from '../activities/policy';
import * as sandboxActivities from '../activities/sandbox';
import * as metricsActivities from '../activities/metrics';
import * as storeActivities from '../activities/store';
import { TASK_QUEUES } from '../core/taskQueues';
import { sandboxSlots, thisHostQueue } from '../activities/sandbox/sandboxHost';

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

/**
 * The shared sandbox queue, polled by every Docker host's worker: sandbox creation (a host with a
 * free slot takes it) and grading (any host). Setups wait here for a slot, so the poller allows a
 * few more than the host's gradings.
 */
export function sandboxWorker(connection: NativeConnection, namespace: string): WorkerOptions {
  const { setupEpisodeSandbox, createSandbox, gradeEpisode, gradePatch } = sandboxActivities;
  return {
    connection,
    namespace,
    taskQueue: TASK_QUEUES.sandbox,
    activities: { setupEpisodeSandbox, createSandbox, gradeEpisode, gradePatch },
    maxConcurrentActivityTaskExecutions: Number(process.env.SWE_RL_GRADINGS_PER_HOST ?? 2) + Math.min(sandboxSlots(), 8),
  };
}

/**
 * This host's own queue (`swe-rl-sandbox@<host>`): every call after a sandbox's creation (turns,
 * submission, destroy). Each live sandbox has at most one call in flight, so the poller never makes
 * one wait behind another, and a task that waits past its schedule-to-start timeout means the host is gone.
 */
export function sandboxHostWorker(connection: NativeConnection, namespace: string): WorkerOptions {
  const { sandboxTurn, storeSubmission, destroySandbox, execInSandbox, runAgentCommand } = sandboxActivities;
  return {
    connection,
    namespace,
    taskQueue: thisHostQueue(),
    activities: { sandboxTurn, storeSubmission, destroySandbox, execInSandbox, runAgentCommand },
    maxConcurrentActivityTaskExecutions: 2 * sandboxSlots() + 4,
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
