import { Client, Connection } from '@temporalio/client';
import { reapSandboxes } from '../activities/sandbox/reaper';
import { workflowRunningCheck } from '../activities/sandbox/workflowOwner';
import { temporalAddress, temporalNamespace } from './connection';

/**
 * Sweeps this Docker host for sandboxes whose workflow is gone (a terminated run, a crash before
 * cleanup) at start and then every SWE_RL_REAP_MINUTES (default 10), sparing sandboxes younger than
 * SWE_RL_REAP_GRACE_SECONDS (default 300). Returns a stop function.
 */
export async function startSandboxReaper(): Promise<() => Promise<void>> {
  const client = new Client({ connection: await Connection.connect({ address: temporalAddress() }), namespace: temporalNamespace() });
  const sweep = () =>
    reapSandboxes(workflowRunningCheck(client), Number(process.env.SWE_RL_REAP_GRACE_SECONDS ?? 300) * 1000)
      .then(({ removed }) => removed.length && console.log(`[swe-rl] reaper removed ${removed.map((r) => r.name).join(', ')}`))
      .catch((err: unknown) => console.error('[swe-rl] reaper sweep failed:', err));
  void sweep();
  const timer = setInterval(sweep, Number(process.env.SWE_RL_REAP_MINUTES ?? 10) * 60_000);
  return async () => {
    clearInterval(timer);
    await client.connection.close();
  };
}
