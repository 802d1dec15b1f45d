/**
 * The one place that decides what an episode's infrastructure failure is (ARCHITECTURE.md,
 * "Failure policy"): every failure ends the episode as a counted failure with one of these
 * reasons, and never fails its task group, iteration or run. Some reasons are worth a fresh
 * attempt of the episode (a new sandbox, possibly on another host); the others are counted as is.
 */
export const FAILURE_REASONS = [
  /** The sandbox container is gone, stopped, or a command in it was interrupted mid-way. */
  'sandbox_lost',
  /** The sandbox's host stopped taking work (its queue's schedule-to-start timeout fired). */
  'host_lost',
  /** No host had a free sandbox slot (or none answered) within the setup's time budget. */
  'no_sandbox_host',
  /** Creating the container or preparing the repository failed. */
  'sandbox_setup_error',
  /** The task's environment image could be neither pulled nor built (the task's own problem: not retried afresh). */
  'environment_unavailable',
  /** The Docker engine stayed unreachable longer than the retries ride out. */
  'engine_error',
  /** The policy server stayed unreachable or kept answering badly. */
  'policy_error',
  /** Grading the submitted patch failed (not a failing test: that is reward 0). */
  'grading_error',
  /** The artifact store could not be read or written, or disagrees with the workflow. */
  'store_error',
  /** The episode (or task group) workflow itself failed. */
  'workflow_error',
  'error',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Reasons for which the episode is tried again from scratch in a fresh sandbox. */
const RETRY_AFRESH: ReadonlySet<FailureReason> = new Set(['sandbox_lost', 'host_lost', 'sandbox_setup_error', 'engine_error']);

export function retryAfresh(reason: string): boolean {
  return RETRY_AFRESH.has(reason as FailureReason);
}

/** What a workflow knows of a failed activity, flattened from Temporal's failure chain. */
export interface ActivityFailureInfo {
  activityType: string;
  /** ApplicationFailure type, when the activity threw one. */
  failureType?: string;
  /** TimeoutFailure type, when the activity timed out. */
  timeoutType?: 'SCHEDULE_TO_START' | 'START_TO_CLOSE' | 'SCHEDULE_TO_CLOSE' | 'HEARTBEAT' | string;
  message: string;
}

const SANDBOX_ACTIVITIES = new Set(['sandboxTurn', 'storeSubmission', 'execInSandbox', 'destroySandbox']);
const SETUP_ACTIVITIES = new Set(['setupEpisodeSandbox', 'createSandbox']);
const STORE_ACTIVITIES = new Set(['initEpisode', 'finishEpisode', 'loadTask', 'stageTask']);
const ENGINE_DOWN = /docker\.sock|ECONNREFUSED|ENOENT|EPIPE|ECONNRESET|socket hang up|Cannot connect to the Docker daemon/i;

/** Classifies one failed activity of an episode into a counted reason. */
export function classifyActivityFailure(info: ActivityFailureInfo): FailureReason {
  const { activityType, failureType, timeoutType, message } = info;
  if (failureType === 'StoreMismatch') return 'store_error';
  if (failureType === 'SandboxLost') return 'sandbox_lost';
  if (failureType === 'EnvironmentUnavailable') return 'environment_unavailable';
  if (SANDBOX_ACTIVITIES.has(activityType)) {
    if (timeoutType === 'SCHEDULE_TO_START') return 'host_lost';
    if (timeoutType === 'HEARTBEAT' || timeoutType === 'START_TO_CLOSE') return 'sandbox_lost';
    return ENGINE_DOWN.test(message) ? 'engine_error' : 'sandbox_lost';
  }
  if (SETUP_ACTIVITIES.has(activityType)) {
    if (failureType === 'NoSandboxSlot' || timeoutType === 'SCHEDULE_TO_CLOSE' || timeoutType === 'SCHEDULE_TO_START') return 'no_sandbox_host';
    return ENGINE_DOWN.test(message) ? 'engine_error' : 'sandbox_setup_error';
  }
  if (activityType === 'policyTurn') return 'policy_error';
  if (activityType === 'gradeEpisode') return 'grading_error';
  if (STORE_ACTIVITIES.has(activityType)) return 'store_error';
  return 'error';
}

/** Adds up failures by reason (for metrics and the status query). */
export function countByReason(reasons: string[], into: Record<string, number> = {}): Record<string, number> {
  const counts = { ...into };
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

export interface FailureBudget {
  /** An iteration whose failed episodes exceed this fraction of its episodes is not trained on. */
  maxFailedFraction: number;
  /** `fail`: the iteration (and so the run) fails with the counts; `pause`: the run pauses until resumed, then the iteration is rolled out again. */
  onExceed: 'fail' | 'pause';
}

/** Null when the iteration is within its failure budget, else the error message that says why. */
export function failureBudgetExceeded(
  label: string,
  total: number,
  failuresByReason: Record<string, number>,
  budget: Pick<FailureBudget, 'maxFailedFraction'>,
): string | null {
  const failed = Object.values(failuresByReason).reduce((a, b) => a + b, 0);
  if (total === 0 || failed / total <= budget.maxFailedFraction) return null;
  const reasons = Object.entries(failuresByReason)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return `${label}: ${failed} of ${total} episodes failed (${(100 * failed / total).toFixed(1)}% > failurePolicy.maxFailedFraction ${(100 * budget.maxFailedFraction).toFixed(1)}%): ${reasons}`;
}
