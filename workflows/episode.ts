import { CancellationScope, patched, setCurrentDetails, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { EpisodeSummary } from '../activities/store/episodeActivities';
import type { ShellState } from '../core/agent/shellCommand';
import { episodeTask, episodeWorkflowInputSchema } from '../core/episodeInput';
import type { FailureReason } from '../core/failures/failurePolicy';
import { sandboxIdFor } from '../core/sandboxSpec';
import { gradingActivities, policyActivities, sandboxHostActivities, sandboxPlacement, storeActivities } from './activityProxies';
import { describeFailure } from './describeFailure';
import { OUTCOME_ATTRIBUTE } from './searchAttributes';
import { episodeOutcome } from '../core/episodeOutcome';
import { commandResultSummary, commandTurnSummary, episodeOutcomeSummary, policyTurnSummary } from '../core/summaries';
import { parseWorkflowInput } from './validateInput';

/**
 * One agent episode: a sandbox on whichever host has a free slot -> up to T_max turns (policy
 * turn -> parse -> tool on the sandbox's host) until submit, the turn limit, the context limit or
 * a sandbox limit -> grading in a fresh container on any host -> summary. Each turn is a pair of
 * durable activities whose results live in the store, so a worker that dies loses at most the
 * turn in flight. The sandbox is always destroyed. Any infrastructure failure ends the episode as
 * a counted failure with its reason (core/failures/failurePolicy.ts); it never fails the workflow.
 */
export async function episode(rawInput: unknown): Promise<EpisodeSummary> {
  const input = parseWorkflowInput(episodeWorkflowInputSchema, rawInput, 'episode input');
  const { limits } = input;
  const task = episodeTask(input);
  const ref = { runsDir: input.runsDir, runId: input.runId, episodeKey: input.episodeKey };
  const policy = policyActivities(input.policy.requestTimeoutSeconds);
  const info = workflowInfo();
  const sandboxId = sandboxIdFor(input.episodeKey, info.runId);
  const started = Date.now();

  let steps = 0;
  let formatErrors = 0;
  let completionTokens = 0;
  let policyVersion: number | null = input.policy.expectedPolicyVersion ?? null;
  let endReason: EpisodeSummary['endReason'] = 'turn_limit';
  let failure: { reason: FailureReason; message: string } | null = null;
  let sandbox: EpisodeSummary['sandbox'] = null;
  // What each turn did, one line each, for the Web UI (current details while it runs, memo after).
  const turnLog: string[] = [];
  const summary = (extra: Partial<EpisodeSummary>): EpisodeSummary => ({
    episodeKey: input.episodeKey,
    instanceId: task.instanceId,
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
    sandbox,
    ...extra,
  });

  let onHost: ReturnType<typeof sandboxHostActivities> | null = null;
  try {
    const placed = await sandboxPlacement.setupEpisodeSandbox.executeWithOptions({ summary: `sandbox for task ${task.instanceId}` }, [{
      sandboxId,
      ...task.arg,
      reposDir: input.reposDir,
      image: input.image,
      limits: input.sandboxLimits,
      runId: input.runId,
      episodeId: info.workflowId,
    }]);
    sandbox = { sandboxId, host: placed.host, destroyedOn: null };
    onHost = sandboxHostActivities({
      taskQueue: placed.taskQueue,
      hostTimeoutSeconds: input.hostTimeoutSeconds,
      commandTimeoutSeconds: Math.max(limits.commandTimeoutSeconds, 60),
    });
    await storeActivities.initEpisode({
      ...ref,
      ...('task' in task.arg ? { problemStatement: task.arg.task.problem_statement } : { taskRef: task.arg.taskRef }),
      commandTimeoutSeconds: limits.commandTimeoutSeconds,
      promptStyle: input.promptStyle,
      sandboxId,
      host: placed.host,
    });
    let state: ShellState = { cwd: '/testbed', openFile: null };
    for (let turn = 1; turn <= limits.maxTurns; turn++) {
      const reply = await policy.policyTurn.executeWithOptions({ summary: policyTurnSummary(turn) }, [{
        ...ref,
        ...input.policy,
        sandboxId,
        turn,
        maxTokensPerTurn: limits.maxTokensPerTurn,
        contextTokens: limits.contextTokens,
        state,
      }]);
      if (reply.status === 'context_limit') {
        endReason = 'context_limit';
        break;
      }
      steps = turn;
      completionTokens += reply.completionTokens;
      policyVersion = reply.policyVersion ?? policyVersion;
      if (reply.action.kind === 'format_error') {
        formatErrors++;
        turnLog.push(`turn ${turn}: format error`);
        continue;
      }
      if (reply.action.kind === 'submit') {
        endReason = 'submitted';
        turnLog.push(`turn ${turn}: submit`);
        await onHost.storeSubmission.executeWithOptions({ summary: `turn ${turn}: submit` }, [{ ...ref, sandboxId, baseHead: placed.baseHead }]);
        break;
      }
      const command = reply.action.command;
      const observed = await onHost.sandboxTurn.executeWithOptions({ summary: commandTurnSummary(turn, command) }, [{
        ...ref,
        turn,
        sandboxId,
        command: reply.action.command,
        state,
        timeoutSeconds: limits.commandTimeoutSeconds,
        maxObservationChars: limits.maxObservationChars,
      }]);
      turnLog.push(commandResultSummary(turn, command, observed.exitCode));
      setCurrentDetails(recentTurns(turnLog));
      state = observed.state;
      if (observed.stopped) {
        endReason = observed.stopped;
        break;
      }
    }
  } catch (err) {
    failure = describeFailure(err);
    if (!failure) throw err;
  } finally {
    if (onHost && sandbox) {
      const host = onHost;
      // A host that is gone cannot destroy its sandbox; its reaper removes it when it comes back.
      const destroyed = await CancellationScope.nonCancellable(() => host.destroySandbox(sandboxId)).catch(() => null);
      sandbox = { ...sandbox, destroyedOn: destroyed?.host ?? null };
    }
  }

  let testReward: 0 | 1 = 0;
  let gradeReason = 'not_submitted';
  if (!failure && endReason === 'submitted') {
    try {
      const grade = await gradingActivities(limits.testTimeoutSeconds).gradeEpisode.executeWithOptions({ summary: `grade the submission for task ${task.instanceId}` }, [{ ...ref, ...task.arg, reposDir: input.reposDir, testTimeoutSeconds: limits.testTimeoutSeconds }]);
      testReward = grade.reward;
      gradeReason = grade.reason;
    } catch (err) {
      failure = describeFailure(err);
      if (!failure) throw err;
    }
  }
  const final = failure
    ? summary({ status: 'failed', endReason: failure.reason, error: failure.message })
    : summary({ testReward, gradeReason });
  let result: EpisodeSummary;
  try {
    result = await storeActivities.finishEpisode({ ...ref, summary: final });
  } catch (err) {
    const stored = describeFailure(err);
    if (!stored) throw err;
    // The store stayed unreachable: the summary still reaches the iteration, which counts it.
    result = summary({ status: 'failed', endReason: 'store_error', error: stored.message });
  }
  if (patched('episode-search-attributes')) recordOutcome(result, turnLog);
  return result;
}

/** The outcome as a search attribute (`SweRlOutcome`) and, with the turns, in the memo. */
function recordOutcome(result: EpisodeSummary, turnLog: string[]): void {
  const outcome = episodeOutcome(result);
  const text = episodeOutcomeSummary(outcome, result);
  upsertSearchAttributes([{ key: OUTCOME_ATTRIBUTE, value: outcome }]);
  upsertMemo({ outcome: text, turns: recentTurns(turnLog) });
  setCurrentDetails(`${text}\n\n${recentTurns(turnLog)}`);
}

const SHOWN_TURNS = 30;

/** The last turns, one per line, bounded for the UI and the history. */
function recentTurns(turnLog: string[]): string {
  const shown = turnLog.slice(-SHOWN_TURNS);
  return [...(turnLog.length > shown.length ? [`(${turnLog.length - shown.length} earlier turns)`] : []), ...shown].join('\n');
}
