import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/**
 * Whether the workflow that owns a sandbox is still running (the reaper's question). With a run
 * id, only that run counts: a reset or restarted workflow does not own its old run's sandboxes.
 */
export function workflowRunningCheck(client: Client): (workflowId: string, runId?: string) => Promise<boolean> {
  return async (workflowId: string, runId?: string) => {
    if (!workflowId) return false;
    try {
      const description = await client.workflow.getHandle(workflowId).describe();
      return description.status.name === 'RUNNING' && (!runId || description.runId === runId);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
}
