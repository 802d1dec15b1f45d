import { reapSandboxes } from '../../activities/sandbox/reaper';
import { workflowRunningCheck } from '../../activities/sandbox/workflowOwner';
import { connectClient } from '../client';

/** `swe-rl reap [--grace S]`: removes sandboxes whose owning workflow is not running any more. */
export async function reapCommand(options: { grace?: number }): Promise<number> {
  const graceSeconds = options.grace ?? 60;
  const client = await connectClient();
  const { removed, kept } = await reapSandboxes(workflowRunningCheck(client), graceSeconds * 1000);
  for (const r of removed) console.log(`removed ${r.name} (run ${r.runId}, workflow ${r.episodeId})`);
  console.log(`${removed.length} removed, ${kept} kept`);
  await client.connection.close();
  return 0;
}
