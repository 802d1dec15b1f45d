import { publishRouteFields } from '../core/policy/publishRoute';
import { ApplicationFailure, defineQuery, executeChild, patched, setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import type { EpisodeSummary } from '../activities/store/episodeActivities';
import { sharedEpisodeInput } from '../core/episodeSettings';
import { buildIterationBatch, rolloutMetrics } from '../core/rl/iterationBatch';
import { deriveSeed, sampleWithoutReplacement } from '../core/rl/seededSample';
import { shuffleRewards } from '../core/rl/shuffleRewards';
import { runConfigSchema } from '../core/runConfig';
import { sharedTrainerOptions, trainerTimeouts } from '../core/trainerOptions';
import type { EvaluationSummary, IterationMetrics } from '../core/runStatus';
import { meanOf, type TrainStepsResult } from '../core/trainSteps';
import { miniBatches } from '../core/rl/miniBatches';
import { storeActivities, storeBatchActivities } from './activityProxies';
import { failureBudgetExceeded } from '../core/failures/failurePolicy';
import { rolloutGroups, type RolloutProgress } from './rollout';
import { metrics } from './metricsActivities';
import { parseWorkflowInput } from './validateInput';
import { searchAttributes } from './searchAttributes';
import { evalRunSummary, trainStepsSummary } from '../core/summaries';

export const rlIterationInputSchema = z.strictObject({
  config: runConfigSchema,
  stageIndex: z.number().int().min(0),
  /** Counts iterations over the whole run (1-based); names ids and seeds sampling. */
  iteration: z.number().int().min(1),
  policyVersion: z.number().int().min(0),
  trainerStep: z.number().int().min(0),
  /** Tasks left by the curriculum filter; all train tasks when absent. */
  allowedTaskIds: z.array(z.string()).optional(),
  evaluate: z.boolean().default(false),
  /** Rollouts of this iteration thrown away so far (failure budget exceeded, run paused and resumed). */
  retry: z.number().int().min(0).default(0),
  /** The stage's last iteration: its checkpoint is a milestone that retention keeps. */
  milestone: z.boolean().default(false),
});
export type RlIterationInput = z.input<typeof rlIterationInputSchema>;

export interface RlIterationResult {
  metrics: IterationMetrics | null;
  policyVersion: number;
  trainerStep: number;
  checkpointPath: string | null;
  /** Set when the rollout had more failed episodes than the failure budget allows: nothing was trained. */
  aborted?: string;
}

export const progressQuery = defineQuery<RolloutProgress>('progress');

/** The failure budget of a rollout: null when within it; throws when the policy is to fail. */
export function checkFailureBudget(config: RlIterationInput['config'] & { failurePolicy: { maxFailedFraction: number; onExceed: 'fail' | 'pause' } }, label: string, progress: RolloutProgress): string | null {
  const exceeded = failureBudgetExceeded(label, progress.total, progress.failures, config.failurePolicy);
  if (exceeded && config.failurePolicy.onExceed === 'fail') throw ApplicationFailure.create({ message: exceeded, type: 'TooManyFailedEpisodes', nonRetryable: true });
  return exceeded;
}

/**
 * One RL iteration: seeded sample of problems -> one taskGroup child per problem (G episodes,
 * bounded window) -> rewards with the length penalty -> group advantages, zero-signal groups
 * dropped on the test reward -> seeded mini-batches in the store -> ceil(kept / batchSize) DAPO
 * steps, one checkpoint, publish -> metrics (with every step's figures) -> optional eval.
 */
export async function rlIteration(rawInput: unknown): Promise<RlIterationResult> {
  const input = parseWorkflowInput(rlIterationInputSchema, rawInput, 'rlIteration input');
  const { config } = input;
  const stage = config.stages[input.stageIndex];
  if (!stage) throw new Error(`stage ${input.stageIndex} does not exist`);
  const phase = `it-${String(input.iteration).padStart(4, '0')}${input.retry ? `-r${input.retry}` : ''}`;
  const clock = () => Date.now();
  const progress: RolloutProgress = { done: 0, total: stage.problemsPerIteration * stage.groupSize, failed: 0, failures: {}, retried: {} };
  setHandler(progressQuery, () => progress);

  const rolloutStart = clock();
  const pool = input.allowedTaskIds ?? (await storeActivities.listTaskIds({ file: config.tasks.trainFile }));
  const problems = sampleWithoutReplacement(pool, stage.problemsPerIteration, deriveSeed(config.seed, input.iteration));
  progress.total = problems.length * stage.groupSize;
  const groups = await rolloutGroups({
    runId: config.runId,
    phase,
    problems,
    taskFile: config.tasks.trainFile,
    shared: sharedEpisodeInput(config, stage, input.policyVersion),
    samples: stage.groupSize,
    taskGroups: config.concurrency.taskGroups,
    episodesPerGroup: config.concurrency.episodesPerGroup,
    maxAttempts: config.failurePolicy.episodeAttempts,
    searchAttributes: searchAttributes(config.runId, stage.name, input.iteration, 'taskGroup'),
  }, progress);
  const aborted = checkFailureBudget(config, `${config.runId} ${phase}`, progress);
  if (aborted) return { metrics: null, policyVersion: input.policyVersion, trainerStep: input.trainerStep, checkpointPath: null, aborted };
  const outcomes = groups.flat();
  const rolloutSeconds = (clock() - rolloutStart) / 1000;

  const advantageStart = clock();
  const credited = config.shuffleRewards ? shuffleRewards(outcomes, deriveSeed(config.seed, 1_000_000 + input.iteration)) : outcomes;
  const batch = buildIterationBatch(credited, stage.lengthThreshold, stage.maxTurns);
  const rollout = rolloutMetrics(outcomes, stage.lengthThreshold, stage.maxTurns);
  await storeActivities.recordTaskStats({
    runsDir: config.runsDir,
    runId: config.runId,
    iterationKey: phase,
    outcomes: outcomes.filter((o) => o.status === 'completed').map((o) => ({ instanceId: o.instanceId, solved: o.testReward === 1 })),
  });
  // The kept trajectories, shuffled (seeded) into optimizer steps of at most batchSize each.
  const planned = miniBatches(batch.entries, stage.batchSize, deriveSeed(config.seed, 2_000_000 + input.iteration));
  const written = [];
  for (const [i, entries] of planned.entries()) {
    const name = `${phase}-step${String(i + 1).padStart(3, '0')}`;
    written.push(await storeBatchActivities.writeTrainingBatch({ runsDir: config.runsDir, runId: config.runId, name, entries }));
  }
  const trained = written.reduce((n, w) => n + w.trajectories, 0);
  const advantageSeconds = (clock() - advantageStart) / 1000;

  const trainStart = clock();
  let train: TrainStepsResult | null = null;
  const steps = written.filter((w) => w.trajectories > 0).map((w, i) => ({ step: input.trainerStep + 1 + i, batchPath: w.batchPath }));
  if (steps.length > 0) {
    train = (await executeChild('trainSteps', {
      workflowId: `${config.runId}/${phase}/train`,
      staticSummary: trainStepsSummary('dapo', steps[0].step, steps[steps.length - 1].step, { stage: stage.name, iteration: input.iteration }),
      ...(patched('episode-search-attributes') ? { typedSearchAttributes: searchAttributes(config.runId, stage.name, input.iteration, 'trainSteps') } : {}),
      args: [{
        runId: config.runId,
        kind: 'dapo',
        steps,
        modelPath: config.model.basePath,
        runsDir: config.runsDir,
        config: {
          lr: stage.learningRate,
          eps_low: stage.epsLow,
          eps_high: stage.epsHigh,
          ...(stage.dualClip ? { dual_clip_c: stage.dualClip } : {}),
          ...(stage.oldLogprobs === 'trainer' ? { old_logprobs: 'trainer', tis_cap: stage.tisCap } : {}),
          ...sharedTrainerOptions(config),
        },
        policyServerUrl: config.policyServer.url,
        publishRoute: publishRouteFields(config.policyServer),
        keepCheckpoints: config.trainer.keepCheckpoints,
        trainerTimeouts: trainerTimeouts(config),
        milestone: input.milestone,
      }],
    })) as TrainStepsResult;
  }
  const trainSeconds = (clock() - trainStart) / 1000;
  const policyVersion = train?.policyVersion ?? input.policyVersion;

  const evalStart = clock();
  let evaluation: EvaluationSummary | null = null;
  if (input.evaluate) {
    evaluation = (await executeChild('evalRun', {
      workflowId: `${config.runId}/${phase}/eval`,
      args: [{ config, label: phase, policyVersion }],
      staticSummary: evalRunSummary(phase, policyVersion, config.evaluation.runs),
      ...(patched('episode-search-attributes') ? { typedSearchAttributes: searchAttributes(config.runId, `eval-${phase}`, input.iteration, 'evalRun') } : {}),
    })) as EvaluationSummary;
  }
  const result: IterationMetrics = {
    runId: config.runId,
    stage: stage.name,
    iteration: input.iteration,
    policyVersion,
    episodes: rollout.episodes,
    failedEpisodes: batch.excludedEpisodes,
    failureReasons: batch.failureReasons,
    retriedReasons: progress.retried,
    passRate: rollout.passRate,
    meanReward: rollout.meanReward,
    filteredGroupFraction: batch.groups ? batch.droppedGroups / batch.groups : 0,
    meanSteps: rollout.meanSteps,
    submitRate: rollout.submitRate,
    formatErrorRate: rollout.formatErrorRate,
    completionTokens: rollout.completionTokens,
    trainedTrajectories: trained,
    trainLoss: train ? meanOf(train.steps, (s) => s.loss) : null,
    clipFracLow: train ? meanOf(train.steps, (s) => s.clipFracLow) : null,
    clipFracHigh: train ? meanOf(train.steps, (s) => s.clipFracHigh) : null,
    optimizerSteps: train?.steps.length ?? 0,
    gradNorm: train ? meanOf(train.steps, (s) => s.gradNorm) : null,
    logprobMismatchMean: train?.steps[0]?.logprobDiffMean ?? null,
    logprobMismatchMax: train?.steps[0]?.logprobDiffMax ?? null,
    trainSteps: train?.steps ?? [],
    ...(train?.publishError ? { publishError: train.publishError } : {}),
    phaseSeconds: { rollout: rolloutSeconds, advantage: advantageSeconds, train: trainSeconds, eval: (clock() - evalStart) / 1000 },
    evaluation,
    finishedAt: new Date(clock()).toISOString(),
  };
  await metrics.recordIterationMetrics({ runsDir: config.runsDir, runId: config.runId, metrics: result });
  return { metrics: result, policyVersion, trainerStep: train ? train.step : input.trainerStep, checkpointPath: train?.checkpointPath ?? null };
}
