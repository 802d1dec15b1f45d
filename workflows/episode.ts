import { ActivityFailure, ApplicationFailure, CancellationScope, workflowInfo } from '@temporalio/workflow';
import type { EpisodeSummary } from '../activities/store/episodeActivities';
import type { ShellState } from '../core/agent/shellCommand';
import { episodeInputSchema } from '../core/episodeInput';
import { sandboxIdFor } from '../core/sandboxSpec';
import { policyActivities, sandboxLifecycle, sandboxTurnActivities, storeActivities } from './activityProxies';
import { parseWorkflowInput } from './validateInput';

/**
 * One agent episode: sandbox -> up to T_max turns (policy turn -> parse -> tool) until submit, the
 * turn limit or the context limit -> grading in a fresh container -> summary. Each turn is a pair
 * of durable activities whose results live in the store, so a worker that dies loses at most the
 * turn in flight. The sandbox is always destroyed.
 */
export async function episode(rawInput: unknown): Promise<EpisodeSummary> {
  const input = parseWorkflowInput(episodeInputSchema, rawInput, 'episode input');
  const { limits } = input;
  const ref = { runsDir: input.runsDir, runId: input.runId, episodeKey: input.episodeKey };
  const policy = policyActivities(input.policy.requestTimeoutSeconds);
  const sandbox = sandboxTurnActivities(limits.commandTimeoutSeconds, limits.testTimeoutSeconds);
  const info = workflowInfo();
  const sandboxId = sandboxIdFor(input.episodeKey, info.runId);
  const started = Date.now();

  let steps = 0;
  let formatErrors = 0;
  let completionTokens = 0;
  let policyVersion: number | null = input.policy.expectedPolicyVersion ?? null;
  let endReason: EpisodeSummary['endReason'] = 'turn_limit';
  const summary = (extra: Partial<EpisodeSummary>): EpisodeSummary => ({
    episodeKey: input.episodeKey,
    instanceId: input.task.instance_id,
    sample: input.sample,
    attempt: input.attempt,
    status: 'completed',
    endReason,
    testReward: 0,
    gradeReason: 'not_submitted',
    steps,
    formatErrors,
    completionTokens,
    policyVersion,
    durationMs: Date.now() - started,
    ...extra,
  });

  try {
    const { baseHead } = await sandboxLifecycle.setupEpisodeSandbox({
      sandboxId,
      task: input.task,
      reposDir: input.reposDir,
      image: input.image,
      limits: input.sandboxLimits,
      runId: input.runId,
      episodeId: info.workflowId,
    });
    await storeActivities.initEpisode({ ...ref, problemStatement: input.task.problem_statement, commandTimeoutSeconds: limits.commandTimeoutSeconds, promptStyle: input.promptStyle });
    let state: ShellState = { cwd: '/testbed', openFile: null };
    for (let turn = 1; turn <= limits.maxTurns; turn++) {
      const reply = await policy.policyTurn({
        ...ref,
        ...input.policy,
        turn,
        maxTokensPerTurn: limits.maxTokensPerTurn,
        contextTokens: limits.contextTokens,
        state,
      });
      if (reply.status === 'context_limit') {
        endReason = 'context_limit';
        break;
      }
      steps = turn;
      completionTokens += reply.completionTokens;
      policyVersion = reply.policyVersion ?? policyVersion;
      if (reply.action.kind === 'format_error') {
        formatErrors++;
        continue;
      }
      if (reply.action.kind === 'submit') {
        endReason = 'submitted';
        await sandbox.storeSubmission({ ...ref, sandboxId, baseHead });
        break;
      }
      const observed = await sandbox.sandboxTurn({
        ...ref,
        turn,
        sandboxId,
        command: reply.action.command,
        state,
        timeoutSeconds: limits.commandTimeoutSeconds,
        maxObservationChars: limits.maxObservationChars,
      });
      state = observed.state;
    }
  } catch (err) {
    const failure = classifyFailure(err);
    if (!failure) throw err;
    return storeActivities.finishEpisode({ ...ref, summary: summary({ status: 'failed', endReason: failure.reason, error: failure.message }) });
  } finally {
    await CancellationScope.nonCancellable(() => sandboxLifecycle.destroySandbox(sandboxId));
  }

  let testReward: 0 | 1 = 0;
  let gradeReason = 'not_submitted';
  if (endReason === 'submitted') {
    const grade = await sandbox.gradeEpisode({ ...ref, task: input.task, reposDir: input.reposDir, testTimeoutSeconds: limits.testTimeoutSeconds });
    testReward = grade.reward;
    gradeReason = grade.reason;
  }
  return storeActivities.finishEpisode({ ...ref, summary: summary({ testReward, gradeReason }) });
}

/** Failures that end this attempt (and are counted) rather than failing the workflow. */
function classifyFailure(err: unknown): { reason: 'sandbox_lost' | 'error'; message: string } | null {
  if (!(err instanceof ActivityFailure)) return null;
  const cause = err.cause;
  const type = cause instanceof ApplicationFailure ? cause.type : undefined;
  const message = `${err.activityType}: ${cause?.message ?? err.message}`;
  if (type === 'SandboxLost') return { reason: 'sandbox_lost', message };
  return { reason: 'error', message };
}
