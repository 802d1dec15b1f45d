import { executeChild, patched } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { EpisodeSummary } from '../activities/store/episodeActivities';
import type { SharedEpisodeInput } from '../core/episodeSettings';
import { episodeKeyFor } from '../core/episodeInput';
import { countByReason } from '../core/failures/failurePolicy';
import { runWithConcurrency } from '../core/runWithConcurrency';
import { describeFailure } from './describeFailure';
import { failedEpisode } from './taskGroup';
import { placeOf, TASK_ATTRIBUTE } from './searchAttributes';
import { taskGroupSummary } from '../core/summaries';

/** What a rollout's `progress` query answers: episodes finished, and failures by reason so far. */
export interface RolloutProgress {
  done: number;
  total: number;
  failed: number;
  failures: Record<string, number>;
  /** Attempts that failed and were tried again afresh (they are not in `failures`), by reason. */
  retried: Record<string, number>;
}

export interface RolloutInput {
  runId: string;
  phase: string;
  problems: string[];
  taskFile: string;
  shared: SharedEpisodeInput;
  samples: number;
  taskGroups: number;
  episodesPerGroup: number;
  maxAttempts: number;
  searchAttributes?: SearchAttributePair[];
}

/**
 * One taskGroup child per problem in a bounded window. A group that fails outright (its task
 * could not be loaded, a bug) counts as G failed episodes of reason `workflow_error`; nothing
 * here fails the caller.
 */
export async function rolloutGroups(input: RolloutInput, progress: RolloutProgress): Promise<EpisodeSummary[][]> {
  const withTask = input.searchAttributes && patched('episode-search-attributes');
  const at = placeOf(input.searchAttributes);
  return runWithConcurrency(input.problems, input.taskGroups, async (instanceId) => {
    let summaries: EpisodeSummary[];
    const attributes = withTask ? [...input.searchAttributes!, { key: TASK_ATTRIBUTE, value: instanceId }] : input.searchAttributes;
    try {
      summaries = (await executeChild('taskGroup', {
        workflowId: `${input.runId}/${input.phase}/${instanceId}`,
        args: [{
          episode: input.shared,
          taskFile: input.taskFile,
          instanceId,
          phase: input.phase,
          samples: input.samples,
          concurrency: input.episodesPerGroup,
          maxAttempts: input.maxAttempts,
        }],
        staticSummary: taskGroupSummary(instanceId, input.samples, at),
        ...(attributes ? { typedSearchAttributes: attributes } : {}),
      })) as EpisodeSummary[];
    } catch (err) {
      const failure = describeFailure(err);
      if (!failure) throw err;
      summaries = Array.from({ length: input.samples }, (_, sample) =>
        failedEpisode(episodeKeyFor(input.phase, instanceId, sample, 0), instanceId, sample, 0, 'workflow_error', failure.message),
      );
    }
    const failed = summaries.filter((s) => s.status === 'failed');
    progress.done += summaries.length;
    progress.failed += failed.length;
    progress.failures = countByReason(failed.map((s) => s.endReason), progress.failures);
    progress.retried = countByReason(summaries.flatMap((s) => s.earlierAttempts ?? []), progress.retried);
    return summaries;
  });
}
