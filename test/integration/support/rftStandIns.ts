// Workflows of the RFT windows test: the real rftRun, rftWindow and taskGroup, with two named
// stand-ins. `episode` stands in for the real episode (a sandbox, the policy, grading: covered by
// the episode, scripted-episode and training-run tests), which cannot run 8,000 times on this
// machine; it passes or fails by a seeded hash of its key and stores a small trajectory when it
// passes. `trainSteps` stands in for the trainer (covered by the trainer tests): it trains nothing
// and reports the steps it was given.
import { proxyActivities } from '@temporalio/workflow';
import type { EpisodeSummary } from '../../../activities/store/episodeActivities';
import type { EpisodeInput } from '../../../core/episodeInput';
import type { TrainStepsResult } from '../../../core/trainSteps';
import { TASK_QUEUES } from '../../../core/taskQueues';
import { standInPasses } from './rftStandInOutcome';
import type * as standInActivities from './rftStandInActivities';

export { rftRun } from '../../../workflows/rftRun';
export { rftWindow } from '../../../workflows/rftWindow';
export { taskGroup } from '../../../workflows/taskGroup';

const { writeStandInTrajectory } = proxyActivities<typeof standInActivities>({ taskQueue: TASK_QUEUES.orchestrator, startToCloseTimeout: '1 minute' });

/** Stand-in for the real `episode` workflow (see above). */
export async function episode(input: EpisodeInput): Promise<EpisodeSummary> {
  const passes = standInPasses(input.episodeKey);
  if (passes) await writeStandInTrajectory({ runsDir: input.runsDir, runId: input.runId, episodeKey: input.episodeKey });
  return {
    episodeKey: input.episodeKey,
    instanceId: input.taskRef?.instanceId ?? input.task!.instance_id,
    sample: input.sample,
    attempt: input.attempt,
    status: 'completed',
    endReason: passes ? 'submitted' : 'turn_limit',
    testReward: passes ? 1 : 0,
    gradeReason: passes ? 'resolved' : 'not_graded',
    steps: passes ? 1 : 2,
    formatErrors: 0,
    completionTokens: passes ? 3 : 6,
    policyVersion: 0,
    durationMs: 0,
  };
}

/** Stand-in for the real `trainSteps` workflow (see above). */
export async function trainSteps(input: { steps: { step: number; batchPath: string }[] }): Promise<TrainStepsResult> {
  const last = input.steps[input.steps.length - 1].step;
  return { step: last, applied: true, checkpointPath: 'stand-in', policyVersion: null, metrics: {}, steps: [], removedCheckpoints: [] };
}
