import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { runDir } from '../../core/store/runPaths';
import { writeJsonOnce } from './files';

/**
 * Marks the run folder as belonging to one training run (its first workflow run id). A new run
 * that reuses a run id whose folder holds an earlier run's episodes would silently read that
 * run's stored turns, so it is refused with a clear error instead.
 */
export async function claimRunFolder(input: { runsDir: string; runId: string; owner: string }): Promise<{ owner: string }> {
  const file = path.join(runDir(input.runsDir, input.runId), 'run.json');
  const claim = writeJsonOnce(file, { runId: input.runId, owner: input.owner, claimedAt: new Date().toISOString() });
  if (claim.owner !== input.owner) {
    throw ApplicationFailure.nonRetryable(
      `run folder ${path.dirname(file)} already belongs to an earlier run of "${input.runId}" (workflow run ${claim.owner}); choose a new runId or remove the folder`,
      'RunFolderTaken',
    );
  }
  return { owner: claim.owner };
}
