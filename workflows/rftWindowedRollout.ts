import { continueAsNew, executeChild, setHandler, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import type { SharedEpisodeInput } from '../core/episodeSettings';
import { deriveSeed } from '../core/rl/seededSample';
import {
  addCounts, emptyCounts, failedWindowCounts, rftWindowsPerExecution, rftWindowTasks, windowRange,
  type HistoryBound, type WindowCounts,
} from '../core/rl/rftWindows';
import type { RunConfig } from '../core/runConfig';
import { oneLine } from '../core/summaries';
import { storeActivities } from './activityProxies';
import { describeFailure } from './describeFailure';
import { progressQuery } from './rlIteration';
import { rftWindowProgressSignal, type RftWindowInput, type WindowProgress } from './rftWindow';
import type { RolloutProgress } from './rollout';
import { searchAttributes } from './searchAttributes';

const reasons = z.record(z.string(), z.number().int().min(0));
export const windowCountsSchema = z.strictObject({
  total: z.number().int().min(0),
  done: z.number().int().min(0),
  failed: z.number().int().min(0),
  failures: reasons,
  retried: reasons,
  completed: z.number().int().min(0),
  passed: z.number().int().min(0),
  passing: z.number().int().min(0),
  submitted: z.number().int().min(0),
  steps: z.number().int().min(0),
  formatErrors: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
});

/** What the RFT parent carries across continue-as-new: the aggregate and the next window, nothing per episode. */
export const rftWindowsStateSchema = z.strictObject({
  /** Tasks in the task file when the phase began. */
  tasks: z.number().int().min(0),
  /** Tasks per window, fixed for the phase when it began. */
  windowTasks: z.number().int().min(1),
  next: z.number().int().min(0),
  counts: windowCountsSchema,
  /** When the rollout began (ms since the epoch), so its time spans every execution. */
  rolloutStartedAt: z.number(),
});
export type RftWindowsState = z.output<typeof rftWindowsStateSchema>;

export const historyBoundSchema = z.strictObject({
  events: z.number().int().min(200),
  bytes: z.number().int().min(64 * 1024),
});

export interface WindowedRolloutInput {
  config: RunConfig;
  phase: string;
  shared: SharedEpisodeInput;
  bound: HistoryBound;
  state: RftWindowsState | undefined;
  /** This workflow's input with the state replaced: what continue-as-new starts. */
  carry: (state: RftWindowsState) => unknown;
}

/**
 * The RFT rollout as child windows, one after another, each with the rollout's concurrency.
 * Sums their counts; after rftWindowsPerExecution windows (or when Temporal suggests it) it
 * continues as new with only the sum and the next window. Returns the sum and the progress view.
 */
export async function rolloutInWindows(input: WindowedRolloutInput): Promise<{ state: RftWindowsState; progress: RolloutProgress }> {
  const { config, bound } = input;
  const rft = config.rft!;
  let state = input.state;
  if (!state) {
    const { tasks } = await storeActivities.taskIdWindow({ file: config.tasks.trainFile, start: 0, end: 0 });
    state = { tasks, windowTasks: rftWindowTasks(rft.samplesPerTask, bound), next: 0, counts: emptyCounts(), rolloutStartedAt: Date.now() };
  }
  const total = state.tasks * rft.samplesPerTask;
  let current: WindowProgress | null = null;
  const view = (): RolloutProgress => {
    const c = state!.counts;
    if (!current) return { done: c.done, total, failed: c.failed, failures: c.failures, retried: c.retried };
    const sum = addCounts(c, { ...emptyCounts(), done: current.done, failed: current.failed, failures: current.failures, retried: current.retried });
    return { done: sum.done, total, failed: sum.failed, failures: sum.failures, retried: sum.retried };
  };
  setHandler(progressQuery, view);
  setHandler(rftWindowProgressSignal, (p) => {
    if (p.window === state!.next) current = p;
  });

  const windows = Math.ceil(state.tasks / state.windowTasks);
  const perExecution = rftWindowsPerExecution(bound);
  let startedHere = 0;
  while (state.next < windows) {
    const info = workflowInfo();
    // At least one window per execution, so a chain always moves on.
    if (startedHere > 0 && (startedHere >= perExecution || info.continueAsNewSuggested || info.historyLength > bound.events / 2 || info.historySize > bound.bytes / 2)) {
      await continueAsNew(input.carry(state));
    }
    const window: number = state.next;
    const { start, end } = windowRange(window, state.windowTasks, state.tasks);
    const args: RftWindowInput = {
      runId: config.runId,
      runsDir: config.runsDir,
      phase: input.phase,
      window,
      start,
      end,
      taskFile: config.tasks.trainFile,
      shared: input.shared,
      samples: rft.samplesPerTask,
      taskGroups: config.concurrency.taskGroups,
      episodesPerGroup: config.concurrency.episodesPerGroup,
      maxAttempts: config.failurePolicy.episodeAttempts,
      shuffleSeed: config.shuffleRewards ? deriveSeed(config.seed, 4_000_000 + window) : null,
    };
    let counts: WindowCounts;
    try {
      counts = (await executeChild('rftWindow', {
        workflowId: `${config.runId}/${input.phase}/window-${String(window).padStart(5, '0')}`,
        args: [args],
        staticSummary: oneLine(`RFT window ${window + 1} of ${windows}: tasks ${start + 1}-${end}, ${rft.samplesPerTask} samples each`),
        typedSearchAttributes: searchAttributes(config.runId, 'rft', 0, 'rftWindow'),
      })) as WindowCounts;
    } catch (err) {
      // A window that failed outright (a bug, not an episode's failure): its episodes count as failed.
      if (!describeFailure(err)) throw err;
      counts = failedWindowCounts((end - start) * rft.samplesPerTask);
    }
    state = { ...state, next: window + 1, counts: addCounts(state.counts, counts) };
    current = null;
    startedHere++;
  }
  return { state, progress: view() };
}
