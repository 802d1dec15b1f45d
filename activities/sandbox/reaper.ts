import { destroySandbox, listSandboxes, type SandboxListing } from './sandboxActivities';

/**
 * Removes sandbox containers whose owning workflow (the episode label) is no longer running.
 * Containers younger than the grace period are kept: their workflow may just be starting.
 */
export async function reapSandboxes(
  isOwnerRunning: (episodeId: string) => Promise<boolean>,
  graceMs = 60_000,
  now = Date.now(),
): Promise<{ removed: SandboxListing[]; kept: number }> {
  const removed: SandboxListing[] = [];
  let kept = 0;
  for (const sandbox of await listSandboxes()) {
    if (now - sandbox.createdAt < graceMs || (await isOwnerRunning(sandbox.episodeId))) {
      kept++;
      continue;
    }
    await destroySandbox(sandbox.name);
    removed.push(sandbox);
  }
  return { removed, kept };
}
