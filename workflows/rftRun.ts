import { publishRouteFields } from '../core/policy/publishRoute';
import { executeChild, patched, setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import type { EpisodeSummary } from '../activities/store/episodeActivities';
import { sharedEpisodeInput } from '../core/episodeSettings';
import { rolloutMetrics } from '../core/rl/iterationBatch';
import { deriveSeed } from '../core/rl/seededSample';
import { shuffleRewards } from '../core/rl/shuffleRewards';
import { runConfigSchema } from '../core/runConfig';
import { sharedTrainerOptions, trainerTimeouts } from '../core/trainerOptions';
import type { IterationMetrics } from '../core/runStatus';
import { meanOf, type TrainStepsResult } from '../core/trainSteps';
import { miniBatches, rftSchedule } from '../core/rl/miniBatches';
import { storeActivities, storeBatchActivities } from './activityProxies';
import { rolloutGroups, type RolloutProgress } from './rollout';
import { metrics } from './metricsActivities';
import { searchAttributes } from './searchAttributes';
import { trainStepsSummary } from '../core/summaries';
import { parseWorkflowInput } from './validateInput';
import { checkFailureBudget, progressQuery } from './rlIteration';

export const rftRunInputSchema = z.strictObject({
  config: runConfigSchema,
  policyVersion: z.number().int().min(0),
  trainerStep: z.number().int().min(0),
  /** Rollouts thrown away so far (failure budget exceeded, run paused and resumed). */
  retry: z.number().int().min(0).default(0),
});

export interface RftResult {
  metrics: IterationMetrics | null;
  policyVersion: number;
  trainerStep: number;
  checkpointPath: string | null;
  /** Set when the rollout had more failed episodes than the failure budget allows: nothing was trained. */
  aborted?: string;
}

/**
 * Rejection fine-tuning: N rollouts per train task with the base policy, keep the passing ones,
 * SFT on them (format-error turns masked by the trainer) in seeded mini-batches of batchSize,
 * epochs x ceil(passing / batchSize) steps under one warm-up + cosine schedule, one checkpoint
 * (a milestone), publish.
 */
export async function rftRun(rawInput: unknown): Promise<RftResult> {
  const input = parseWorkflowInput(rftRunInputSchema, rawInput, 'rftRun input');
  const { config } = input;
  const rft = config.rft;
  if (!rft) throw new Error('rftRun needs config.rft');
  const clock = () => Date.now();
  const rolloutStart = clock();
  const ids = await storeActivities.listTaskIds({ file: config.tasks.trainFile });
  const progress: RolloutProgress = { done: 0, total: ids.length * rft.samplesPerTask, failed: 0, failures: {}, retried: {} };
  setHandler(progressQuery, () => progress);
  const groups = await rolloutGroups({
    runId: config.runId,
    phase: input.retry ? `rft-r${input.retry}` : 'rft',
    problems: ids,
    taskFile: config.tasks.trainFile,
    shared: sharedEpisodeInput(config, { maxTurns: rft.maxTurns, contextTokens: rft.contextTokens, maxTokensPerTurn: config.stages[0].maxTokensPerTurn }, input.policyVersion),
    samples: rft.samplesPerTask,
    taskGroups: config.concurrency.taskGroups,
    episodesPerGroup: config.concurrency.episodesPerGroup,
    maxAttempts: config.failurePolicy.episodeAttempts,
    searchAttributes: searchAttributes(config.runId, 'rft', 0, 'taskGroup'),
  }, progress);
  const aborted = checkFailureBudget(config, `${config.runId} rft`, progress);
  if (aborted) return { metrics: null, policyVersion: input.policyVersion, trainerStep: input.trainerStep, checkpointPath: null, aborted };
  const outcomes = groups.flat();
  const credited = config.shuffleRewards ? shuffleRewards(outcomes, deriveSeed(config.seed, 0)) : outcomes;
  const passing = credited.filter((o) => o.status === 'completed' && o.testReward === 1);
  const rolloutSeconds = (clock() - rolloutStart) / 1000;

  const trainStart = clock();
  let last: TrainStepsResult | null = null;
  const schedule = rftSchedule(passing.length, rft.batchSize, rft.epochs, rft.warmupSteps);
  if (passing.length > 0) {
    // Each epoch reshuffles (seeded) the passing trajectories into steps of at most batchSize.
    const steps: { step: number; batchPath: string }[] = [];
    for (let epoch = 1; epoch <= rft.epochs; epoch++) {
      const planned = miniBatches(passing.map((o) => ({ episodeKey: o.episodeKey })), rft.batchSize, deriveSeed(config.seed, 3_000_000 + epoch));
      for (const [i, entries] of planned.entries()) {
        const name = `rft-e${String(epoch).padStart(2, '0')}-step${String(i + 1).padStart(3, '0')}`;
        const written = await storeBatchActivities.writeTrainingBatch({ runsDir: config.runsDir, runId: config.runId, name, entries });
        steps.push({ step: input.trainerStep + steps.length + 1, batchPath: written.batchPath });
      }
    }
    last = (await executeChild('trainSteps', {
      workflowId: `${config.runId}/rft/train`,
      staticSummary: trainStepsSummary('sft', steps[0].step, steps[steps.length - 1].step, { stage: 'rft', iteration: 0 }),
      ...(patched('episode-search-attributes') ? { typedSearchAttributes: searchAttributes(config.runId, 'rft', 0, 'trainSteps') } : {}),
      args: [{
        runId: config.runId,
        kind: 'sft',
        steps,
        modelPath: config.model.basePath,
        runsDir: config.runsDir,
        config: {
          lr: rft.learningRate,
          warmup_steps: schedule.warmupSteps,
          total_steps: schedule.totalSteps,
          schedule_start_step: input.trainerStep + 1,
          ...sharedTrainerOptions(config),
        },
        policyServerUrl: config.policyServer.url,
        publishRoute: publishRouteFields(config.policyServer),
        keepCheckpoints: config.trainer.keepCheckpoints,
        trainerTimeouts: trainerTimeouts(config),
        milestone: true,
      }],
    })) as TrainStepsResult;
  }
  const rollout = rolloutMetrics(outcomes, 10, Math.max(11, rft.maxTurns));
  const result: IterationMetrics = {
    runId: config.runId,
    stage: 'rft',
    iteration: 0,
    policyVersion: last?.policyVersion ?? input.policyVersion,
    episodes: rollout.episodes,
    failedEpisodes: outcomes.length - rollout.episodes,
    failureReasons: outcomes.filter((o) => o.status === 'failed').reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.endReason]: (acc[o.endReason] ?? 0) + 1 }), {}),
    retriedReasons: progress.retried,
    passRate: rollout.passRate,
    meanReward: rollout.passRate,
    filteredGroupFraction: 0,
    meanSteps: rollout.meanSteps,
    submitRate: rollout.submitRate,
    formatErrorRate: rollout.formatErrorRate,
    completionTokens: rollout.completionTokens,
    trainedTrajectories: passing.length,
    trainLoss: last ? meanOf(last.steps, (s) => s.loss) : null,
    clipFracLow: null,
    clipFracHigh: null,
    optimizerSteps: last?.steps.length ?? 0,
    gradNorm: last ? meanOf(last.steps, (s) => s.gradNorm) : null,
    logprobMismatchMean: null,
    logprobMismatchMax: null,
    trainSteps: last?.steps ?? [],
    phaseSeconds: { rollout: rolloutSeconds, advantage: 0, train: (clock() - trainStart) / 1000, eval: 0 },
    evaluation: null,
    finishedAt: new Date(clock()).toISOString(),
  };
  await metrics.recordIterationMetrics({ runsDir: config.runsDir, runId: config.runId, metrics: result });
  return { metrics: result, policyVersion: result.policyVersion, trainerStep: last?.step ?? input.trainerStep, checkpointPath: last?.checkpointPath ?? null };
}
