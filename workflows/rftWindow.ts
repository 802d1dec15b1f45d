import { condition, defineSignal, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import { episodeInputSchema } from '../core/episodeInput';
import { countOutcomes, WINDOW_PROGRESS_SIGNALS, type WindowCounts } from '../core/rl/rftWindows';
import { shuffleRewards } from '../core/rl/shuffleRewards';
import { storeActivities } from './activityProxies';
import { rolloutGroups, type RolloutProgress } from './rollout';
import { searchAttributes } from './searchAttributes';
import { parseWorkflowInput } from './validateInput';

export const rftWindowInputSchema = z.strictObject({
  runId: z.string().min(1),
  runsDir: z.string().min(1),
  /** `rft`, or `rft-r<k>` for a rollout run again after the failure budget paused the run. */
  phase: z.string().min(1),
  window: z.number().int().min(0),
  /** The window's index range [start, end) of the task file. */
  start: z.number().int().min(0),
  end: z.number().int().min(1),
  taskFile: z.string().min(1),
  shared: episodeInputSchema.omit({ episodeKey: true, sample: true, attempt: true, task: true, taskRef: true }),
  samples: z.number().int().min(1),
  taskGroups: z.number().int().min(1),
  episodesPerGroup: z.number().int().min(1),
  maxAttempts: z.number().int().min(1),
  /** Control runs: the seed that shuffles rewards among this window's episodes; null otherwise. */
  shuffleSeed: z.number().int().min(0).nullable(),
});
export type RftWindowInput = z.input<typeof rftWindowInputSchema>;

/** What a window tells its parent while it runs (the parent's `progress` query adds it in). */
export interface WindowProgress extends RolloutProgress {
  window: number;
}
export const rftWindowProgressSignal = defineSignal<[WindowProgress]>('rftWindowProgress');

/**
 * One window of the RFT rollout: a task group per task of the index range (the rollout's
 * concurrency), its passing trajectories recorded by reference in the store (one refs file per
 * window, written once), and only counts returned, so the parent never holds an episode's summary.
 * A few progress signals (at most WINDOW_PROGRESS_SIGNALS) keep the parent's progress current.
 */
export async function rftWindow(rawInput: unknown): Promise<WindowCounts> {
  const input = parseWorkflowInput(rftWindowInputSchema, rawInput, 'rftWindow input');
  const { ids } = await storeActivities.taskIdWindow({ file: input.taskFile, start: input.start, end: input.end });
  const total = ids.length * input.samples;
  const progress: RolloutProgress = { done: 0, total, failed: 0, failures: {}, retried: {} };
  const parent = workflowInfo().parent;
  let finished = false;
  const reporting = parent ? reportProgress(parent.workflowId, input.window, progress, () => finished) : Promise.resolve();
  const groups = await rolloutGroups({
    runId: input.runId,
    phase: input.phase,
    problems: ids,
    taskFile: input.taskFile,
    shared: input.shared,
    samples: input.samples,
    taskGroups: input.taskGroups,
    episodesPerGroup: input.episodesPerGroup,
    maxAttempts: input.maxAttempts,
    searchAttributes: searchAttributes(input.runId, 'rft', 0, 'taskGroup'),
  }, progress);
  finished = true;
  await reporting;
  const outcomes = groups.flat();
  const credited = input.shuffleSeed === null ? outcomes : shuffleRewards(outcomes, input.shuffleSeed);
  const passing = credited.filter((o) => o.status === 'completed' && o.testReward === 1);
  await storeActivities.writeWindowRefs({
    runsDir: input.runsDir,
    runId: input.runId,
    phase: input.phase,
    window: input.window,
    refs: passing.map((o) => ({ episodeKey: o.episodeKey, instanceId: o.instanceId })),
  });
  return countOutcomes(total, outcomes, credited, progress.retried);
}

/** Signals the parent each time another tenth of the window's episodes has finished. */
async function reportProgress(parentId: string, window: number, progress: RolloutProgress, finished: () => boolean): Promise<void> {
  const parent = getExternalWorkflowHandle(parentId);
  const step = Math.max(1, Math.ceil(progress.total / WINDOW_PROGRESS_SIGNALS));
  let mark = step;
  while (mark < progress.total) {
    await condition(() => finished() || progress.done >= mark);
    if (finished()) return;
    try {
      await parent.signal(rftWindowProgressSignal, { window, ...progress, failures: { ...progress.failures }, retried: { ...progress.retried } });
    } catch {
      return; // progress is a courtesy: a parent that cannot be signalled still gets the counts
    }
    mark = (Math.floor(progress.done / step) + 1) * step;
  }
}
