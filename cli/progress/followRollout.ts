import type { Client, WorkflowHandle } from '@temporalio/client';
import { reportProgress, type FollowOptions } from './follow';
import { finishedEpisodesQuery } from './sample';

const QUERY_DEADLINE_MS = 5000;

/**
 * Progress of one rollout started by the CLI (`swe-rl eval`): its expected episodes from its
 * `progress` query, its finished episodes counted through the visibility API.
 */
export async function followRollout(
  client: Client,
  handle: WorkflowHandle,
  place: { runId: string; stage: string; iteration: number; policyVersion: number; startedAt: Date },
  options: FollowOptions,
): Promise<void> {
  await reportProgress(async () => {
    const [progress, finished] = await Promise.all([
      client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query<{ total: number }>('progress')).catch(() => null),
      client.workflow.count(finishedEpisodesQuery(place.runId, place.stage, place.iteration, place.startedAt)).catch(() => null),
    ]);
    return {
      runId: place.runId, phase: 'eval', rollout: place.stage, iteration: place.iteration, totalIterations: 0,
      done: finished?.count ?? null, total: progress?.total ?? null, policyVersion: place.policyVersion, paused: false, draining: false,
    };
  }, options);
}
