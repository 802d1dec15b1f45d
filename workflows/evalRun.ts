import { publishRouteFields } from '../core/policy/publishRoute';
import { log, patched, setHandler, workflowInfo, type ActivityFailure } from '@temporalio/workflow';
import { activityFailureKind } from './describeFailure';
import { z } from 'zod';
import { sharedEpisodeInput } from '../core/episodeSettings';
import { checkpointPolicyName } from '../core/policy/policyName';
import { evaluationScores } from '../core/rl/passAtK';
import { runConfigSchema } from '../core/runConfig';
import type { EvaluationSummary } from '../core/runStatus';
import { storeActivities } from './activityProxies';
import { rolloutGroups, type RolloutProgress } from './rollout';
import { progressQuery } from './rlIteration';
import { trainer } from './trainerActivities';
import { parseWorkflowInput } from './validateInput';
import { ownRunPlace, searchAttributes } from './searchAttributes';

export const evalRunInputSchema = z.strictObject({
  config: runConfigSchema,
  /** Names the evaluation in ids and files: `eval-<label>`. */
  label: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  policyVersion: z.number().int().min(0),
  /** Publish this checkpoint to the policy server before evaluating, named after it (`<run>@step-N`). */
  checkpointPath: z.string().min(1).optional(),
  runs: z.number().int().min(1).optional(),
  evalFile: z.string().min(1).optional(),
  /** A resumed run evaluates again under fresh episode ids (the stopped attempt's turns stay apart). */
  retry: z.number().int().min(0).default(0),
});
export type EvalRunInput = z.input<typeof evalRunInputSchema>;

/**
 * Evaluates the served policy on the eval tasks: k runs per task, Pass@1 as mean +- standard
 * error over the runs, Pass@k over the same samples.
 */
export async function evalRun(rawInput: unknown): Promise<EvaluationSummary> {
  const input = parseWorkflowInput(evalRunInputSchema, rawInput, 'evalRun input');
  const { config } = input;
  const runs = input.runs ?? config.evaluation.runs;
  const evalFile = input.evalFile ?? config.tasks.evalFile;
  if (input.checkpointPath) {
    const policy = checkpointPolicyName(input.checkpointPath);
    try {
      await trainer.publish_checkpoint({ checkpoint_path: input.checkpointPath, policy_server_url: config.policyServer.url, policy_version: input.policyVersion, policy, ...publishRouteFields(config.policyServer) });
    } catch (err) {
      // Refused (the name is served from another path): the episodes' own load is refused too and
      // each ends as a counted, typed failure, so the evaluation reports it instead of failing its run.
      if (activityFailureKind(err) !== 'PublishRejected') throw err;
      log.warn(`evaluation ${input.label}: publish of ${policy} refused: ${(err as ActivityFailure).cause?.message}`);
    }
  }
  const ids = await storeActivities.listTaskIds({ file: evalFile });
  const phase = `eval-${input.label}${input.retry ? `-r${input.retry}` : ''}`;
  const evaluated = input.checkpointPath ? { name: checkpointPolicyName(input.checkpointPath), checkpointPath: input.checkpointPath } : undefined;
  const shared = sharedEpisodeInput(config, { ...config.evaluation, maxTokensPerTurn: config.stages[0].maxTokensPerTurn }, input.policyVersion, evaluated);
  const progress: RolloutProgress = { done: 0, total: ids.length * runs, failed: 0, failures: {}, retried: {} };
  setHandler(progressQuery, () => progress);
  const groups = await rolloutGroups({
    runId: config.runId,
    phase,
    problems: ids,
    taskFile: evalFile,
    shared,
    samples: runs,
    taskGroups: config.concurrency.taskGroups,
    episodesPerGroup: config.concurrency.episodesPerGroup,
    maxAttempts: config.failurePolicy.episodeAttempts,
    ...(patched('episode-search-attributes') ? { searchAttributes: searchAttributes(config.runId, `eval-${input.label}`, ownRunPlace().iteration ?? 0, 'taskGroup') } : {}),
  }, progress);
  const solved = groups.map((g) => g.map((e) => e.status === 'completed' && e.testReward === 1));
  const scores = evaluationScores(solved, runs);
  const all = groups.flat().filter((e) => e.status === 'completed');
  const steps = all.reduce((a, e) => a + e.steps, 0);
  const summary: EvaluationSummary = {
    tasks: ids.length,
    runs,
    pass1: scores.pass1.mean,
    pass1Sem: scores.pass1.sem,
    passK: scores.passK,
    meanSteps: steps / Math.max(1, all.length),
    formatErrorRate: all.reduce((a, e) => a + e.formatErrors, 0) / Math.max(1, steps),
    failedEpisodes: progress.failed,
    failureReasons: progress.failures,
  };
  await storeActivities.recordEvaluation({
    runsDir: config.runsDir,
    runId: config.runId,
    label: input.label,
    summary: { ...summary, policyVersion: input.policyVersion, workflowId: workflowInfo().workflowId, evalFile },
  });
  return summary;
}
