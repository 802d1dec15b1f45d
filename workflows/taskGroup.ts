import { executeChild, patched } from '@temporalio/workflow';
import { z } from 'zod';
import type { EpisodeSummary } from '../activities/store/episodeActivities';
import { episodeInputSchema, episodeKeyFor, type EpisodeInput } from '../core/episodeInput';
import { retryAfresh } from '../core/failures/failurePolicy';
import { parseWorkflowInput } from './validateInput';
import { runWithConcurrency } from '../core/runWithConcurrency';
import { storeActivities } from './activityProxies';
import { describeFailure } from './describeFailure';
import { childSearchAttributes, ownRunPlace } from './searchAttributes';
import { episodeDetails, episodeSummary } from '../core/summaries';

export const taskGroupInputSchema = z.strictObject({
  /** The episode input shared by every sample; the task, episodeKey, sample and attempt are filled in. */
  episode: episodeInputSchema.omit({ episodeKey: true, sample: true, attempt: true, task: true, taskRef: true }),
  /** The task, by reference: workflows pass references, not big payloads. */
  taskFile: z.string().min(1),
  instanceId: z.string().min(1),
  phase: z.string().min(1),
  samples: z.number().int().min(1),
  concurrency: z.number().int().min(1),
  maxAttempts: z.number().int().min(1).default(3),
});
export type TaskGroupInput = z.input<typeof taskGroupInputSchema>;

/**
 * G episodes of one task, as child workflows (`<run>/<phase>/<task>/s<k>/a<attempt>`). An
 * episode whose sandbox or host was lost is tried again afresh (a new sandbox, on any host) up to
 * maxAttempts, then returned as failed so the iteration excludes and counts it; an episode
 * workflow that fails outright is counted the same way. Keeps every workflow far below
 * Temporal's 2,000 pending-children limit: an iteration has one child per task, a group G children.
 */
export async function taskGroup(rawInput: unknown): Promise<EpisodeSummary[]> {
  const input = parseWorkflowInput(taskGroupInputSchema, rawInput, 'taskGroup input');
  const instanceId = input.instanceId;
  // Episodes carry the run, stage, iteration, kind and task, so the Web UI lists them by outcome.
  const episodeAttributes = patched('episode-search-attributes') ? childSearchAttributes(input.episode.runId, 'episode', instanceId) : undefined;
  const at = ownRunPlace();
  // Episodes take the task by reference, staged once in the run folder; older histories loaded it and passed it by value.
  const taskArg = patched('staged-tasks')
    ? { taskRef: await storeActivities.stageTask({ file: input.taskFile, instanceId, runsDir: input.episode.runsDir, runId: input.episode.runId }) }
    : { task: await storeActivities.loadTask({ file: input.taskFile, instanceId }) };
  const samples = Array.from({ length: input.samples }, (_, i) => i);
  return runWithConcurrency(samples, input.concurrency, async (sample) => {
    const runAttempt = async (attempt: number): Promise<EpisodeSummary> => {
      const episodeKey = episodeKeyFor(input.phase, instanceId, sample, attempt);
      const episodeInput: EpisodeInput = { ...input.episode, ...taskArg, episodeKey, sample, attempt };
      try {
        return await executeChild('episode', {
          workflowId: `${input.episode.runId}/${episodeKey}`,
          args: [episodeInput],
          staticSummary: episodeSummary(instanceId, sample, input.samples, attempt, at),
          staticDetails: episodeDetails(input.episode.runId, episodeKey, input.episode.policy.model, input.episode.limits.maxTurns),
          ...(episodeAttributes ? { typedSearchAttributes: episodeAttributes } : {}),
        });
      } catch (err) {
        const failure = describeFailure(err);
        if (!failure) throw err;
        return failedEpisode(episodeKey, instanceId, sample, attempt, failure.reason, failure.message);
      }
    };
    let summary = await runAttempt(0);
    const earlierAttempts: string[] = [];
    for (let attempt = 1; attempt < input.maxAttempts && summary.status === 'failed' && retryAfresh(summary.endReason); attempt++) {
      earlierAttempts.push(summary.endReason);
      summary = await runAttempt(attempt);
    }
    return earlierAttempts.length ? { ...summary, earlierAttempts } : summary;
  });
}

/** The summary of an episode that could not report one itself. */
export function failedEpisode(episodeKey: string, instanceId: string, sample: number, attempt: number, reason: EpisodeSummary['endReason'], error: string): EpisodeSummary {
  return {
    episodeKey,
    instanceId,
    sample,
    attempt,
    status: 'failed',
    endReason: reason,
    testReward: 0,
    gradeReason: 'not_graded',
    steps: 0,
    formatErrors: 0,
    completionTokens: 0,
    policyVersion: null,
    durationMs: 0,
    error,
  };
}
