import { destroySandbox, listSandboxes, type SandboxListing } from './sandboxActivities';

/**
 * Removes sandbox containers whose owner is gone: the workflow (and run) of the episode label when
 * an activity made it (episode sandboxes and their gradings alike), the process when a CLI command
 * (grade, validate-tasks) made it directly. Containers younger than the grace period are kept:
 * their owner may just be starting. A sandbox whose owner cannot be asked (Temporal unreachable)
 * is kept until the next sweep.
 */
export async function reapSandboxes(
  isOwnerRunning: (episodeId: string, workflowRunId?: string) => Promise<boolean>,
  graceMs = 60_000,
  now = Date.now(),
): Promise<{ removed: SandboxListing[]; kept: number }> {
  const removed: SandboxListing[] = [];
  let kept = 0;
  for (const sandbox of await listSandboxes()) {
    const pid = /^pid:(\d+)$/.exec(sandbox.owner)?.[1];
    if (now - sandbox.createdAt < graceMs) {
      kept++;
      continue;
    }
    const alive = pid ? processAlive(Number(pid)) : await isOwnerRunning(sandbox.episodeId, sandbox.workflowRunId).catch(() => true);
    if (alive) {
      kept++;
      continue;
    }
    await destroySandbox(sandbox.name);
    removed.push(sandbox);
  }
  return { removed, kept };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
