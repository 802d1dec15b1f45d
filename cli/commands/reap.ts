import { WorkflowNotFoundError } from '@temporalio/client';
import { reapSandboxes } from '../../activities/sandbox/reaper';
import { stringFlag, type ParsedArgs } from '../args';
import { connectClient } from '../client';

/** `swe-rl reap [--grace S]`: removes sandboxes whose owning workflow is not running any more. */
export async function reapCommand(args: ParsedArgs): Promise<number> {
  const graceSeconds = Number(stringFlag(args, 'grace') ?? 60);
  const client = await connectClient();
  const isRunning = async (workflowId: string) => {
    if (!workflowId) return false;
    try {
      const description = await client.workflow.getHandle(workflowId).describe();
      return description.status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
  const { removed, kept } = await reapSandboxes(isRunning, graceSeconds * 1000);
  for (const r of removed) console.log(`removed ${r.name} (run ${r.runId}, workflow ${r.episodeId})`);
  console.log(`${removed.length} removed, ${kept} kept`);
  await client.connection.close();
  return 0;
}
