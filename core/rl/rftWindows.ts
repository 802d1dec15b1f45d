import type { EpisodeOutcome } from './iterationBatch';

/**
 * RFT over the whole task file runs as windows: child workflows over index ranges of the task
 * list. These bounds size them so that no history passes Temporal's limits (51,200 events and
 * 50 MB by default; the targets here are far below, so a run stays fast to replay).
 */
export interface HistoryBound {
  /** Events one workflow history may hold. */
  events: number;
  /** Bytes one workflow history may hold. */
  bytes: number;
}

export const DEFAULT_HISTORY_BOUND: HistoryBound = { events: 10_000, bytes: 4 * 1024 * 1024 };

/**
 * A window's events per task at worst: its taskGroup child's initiated, started and completed
 * events (3), a workflow task for each of the last two when none batches them (6), and a share of
 * the progress signals it sends (at most 10 per window, 2 events each).
 */
export const WINDOW_EVENTS_PER_TASK = 10;
/** A window's fixed events: its start, the id-range and refs activities, the progress signals, its end. */
export const WINDOW_FIXED_EVENTS = 100;
/** A task group's start (the shared episode input, a few KB) and its result (G summaries, each well under 1 KB). */
export function windowBytesPerTask(samplesPerTask: number): number {
  return 8 * 1024 + samplesPerTask * 1024;
}
/** The parent's events per window at worst: the child's 3, 3 workflow tasks, 10 progress signals with their workflow tasks. */
export const PARENT_EVENTS_PER_WINDOW = 50;
/** Windows the parent may start before it continues as new are those that fit half its bound. */
const PARENT_SHARE = 0.5;
/** Progress signals a window sends its parent at most. */
export const WINDOW_PROGRESS_SIGNALS = 10;

/** Tasks per window: the most whose window history stays under the bound (at least 1). */
export function rftWindowTasks(samplesPerTask: number, bound: HistoryBound = DEFAULT_HISTORY_BOUND): number {
  const byEvents = Math.floor((bound.events - WINDOW_FIXED_EVENTS) / WINDOW_EVENTS_PER_TASK);
  const byBytes = Math.floor(bound.bytes / windowBytesPerTask(samplesPerTask));
  return Math.max(1, Math.min(byEvents, byBytes));
}

/** Windows one parent execution starts before it continues as new. */
export function rftWindowsPerExecution(bound: HistoryBound = DEFAULT_HISTORY_BOUND): number {
  return Math.max(1, Math.floor((bound.events * PARENT_SHARE) / PARENT_EVENTS_PER_WINDOW));
}

/** The index ranges [start, end) of the windows over `tasks` tasks. */
export function windowRange(index: number, windowTasks: number, tasks: number): { start: number; end: number } {
  const start = index * windowTasks;
  return { start, end: Math.min(tasks, start + windowTasks) };
}

/** The small counts a window returns (and the parent sums): never per-episode summaries. */
export interface WindowCounts {
  /** Episodes planned (tasks x samples). */
  total: number;
  /** Episodes finished, failed ones included. */
  done: number;
  failed: number;
  failures: Record<string, number>;
  retried: Record<string, number>;
  /** Completed (not failed) episodes. */
  completed: number;
  /** Completed episodes whose tests passed (the real reward, for the pass rate). */
  passed: number;
  /** Trajectories kept for SFT (passing after reward credit: shuffled in control runs). */
  passing: number;
  submitted: number;
  steps: number;
  formatErrors: number;
  completionTokens: number;
}

export function emptyCounts(total = 0): WindowCounts {
  return { total, done: 0, failed: 0, failures: {}, retried: {}, completed: 0, passed: 0, passing: 0, submitted: 0, steps: 0, formatErrors: 0, completionTokens: 0 };
}

function addReasons(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export function addCounts(a: WindowCounts, b: WindowCounts): WindowCounts {
  return {
    total: a.total + b.total,
    done: a.done + b.done,
    failed: a.failed + b.failed,
    failures: addReasons(a.failures, b.failures),
    retried: addReasons(a.retried, b.retried),
    completed: a.completed + b.completed,
    passed: a.passed + b.passed,
    passing: a.passing + b.passing,
    submitted: a.submitted + b.submitted,
    steps: a.steps + b.steps,
    formatErrors: a.formatErrors + b.formatErrors,
    completionTokens: a.completionTokens + b.completionTokens,
  };
}

/** A window's counts from its outcomes (real rewards) and its credited outcomes (what is trained). */
export function countOutcomes(total: number, outcomes: (EpisodeOutcome & { earlierAttempts?: string[] })[], credited: EpisodeOutcome[], retried: Record<string, number>): WindowCounts {
  const counts = emptyCounts(total);
  counts.retried = { ...retried };
  for (const o of outcomes) {
    counts.done++;
    if (o.status === 'failed') {
      counts.failed++;
      counts.failures[o.endReason] = (counts.failures[o.endReason] ?? 0) + 1;
      continue;
    }
    counts.completed++;
    if (o.testReward === 1) counts.passed++;
    if (o.endReason === 'submitted') counts.submitted++;
    counts.steps += o.steps;
    counts.formatErrors += o.formatErrors;
    counts.completionTokens += o.completionTokens;
  }
  counts.passing = credited.filter((o) => o.status === 'completed' && o.testReward === 1).length;
  return counts;
}

/** Every episode of a window that failed outright (a bug in it): G failed episodes per task. */
export function failedWindowCounts(total: number): WindowCounts {
  return { ...emptyCounts(total), done: total, failed: total, failures: { workflow_error: total } };
}

/** The rollout figures of IterationMetrics from summed counts (what rolloutMetrics gives from outcomes). */
export function rolloutFigures(c: WindowCounts): { episodes: number; passRate: number; meanSteps: number; submitRate: number; formatErrorRate: number; completionTokens: number } {
  const n = Math.max(1, c.completed);
  return {
    episodes: c.completed,
    passRate: c.passed / n,
    meanSteps: c.steps / n,
    submitRate: c.submitted / n,
    formatErrorRate: c.formatErrors / Math.max(1, c.steps),
    completionTokens: c.completionTokens,
  };
}
