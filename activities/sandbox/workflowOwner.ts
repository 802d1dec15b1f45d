import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** Whether the workflow that owns a sandbox is still running (the reaper's question). */
export function workflowRunningCheck(client: Client): (workflowId: string) => Promise<boolean> {
  return async (workflowId: string) => {
    if (!workflowId) return false;
    try {
      return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
}
