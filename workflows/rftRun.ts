import { executeChild, setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import type { EpisodeSummary } from '../activities/store/episodeActivities';
import { sharedEpisodeInput } from '../core/episodeSettings';
import { rolloutMetrics } from '../core/rl/iterationBatch';
import { deriveSeed } from '../core/rl/seededSample';
import { shuffleRewards } from '../core/rl/shuffleRewards';
import { runConfigSchema } from '../core/runConfig';
import { sharedTrainerOptions } from '../core/trainerOptions';
import type { IterationMetrics } from '../core/runStatus';
import type { TrainStepResult } from '../core/trainStepInput';
import { storeActivities, storeBatchActivities } from './activityProxies';
import { rolloutGroups, type RolloutProgress } from './rollout';
import { metrics } from './metricsActivities';
import { searchAttributes } from './searchAttributes';
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
 * SFT on them (format-error turns masked by the trainer), checkpoint, publish.
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
  let step = input.trainerStep;
  let last: TrainStepResult | null = null;
  let trajectories = 0;
  if (passing.length > 0) {
    const batch = await storeBatchActivities.writeTrainingBatch({
      runsDir: config.runsDir,
      runId: config.runId,
      name: 'rft',
      entries: passing.map((o) => ({ episodeKey: o.episodeKey })),
    });
    trajectories = batch.trajectories;
    for (let epoch = 1; epoch <= rft.epochs; epoch++) {
      step++;
      last = (await executeChild('trainStep', {
        workflowId: `${config.runId}/rft/train-epoch-${epoch}`,
        args: [{
          runId: config.runId,
          step,
          kind: 'sft',
          batchPath: batch.batchPath,
          modelPath: config.model.basePath,
          runsDir: config.runsDir,
          config: {
            lr: rft.learningRate,
            warmup_steps: rft.warmupSteps,
            total_steps: input.trainerStep + rft.epochs,
            schedule_start_step: input.trainerStep + 1,
            ...sharedTrainerOptions(config),
          },
          policyServerUrl: config.policyServer.url,
        }],
      })) as TrainStepResult;
    }
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
    trainedTrajectories: trajectories,
    trainLoss: typeof last?.metrics.loss === 'number' ? last.metrics.loss : null,
    clipFracLow: null,
    clipFracHigh: null,
    phaseSeconds: { rollout: rolloutSeconds, advantage: 0, train: (clock() - trainStart) / 1000, eval: 0 },
    evaluation: null,
    finishedAt: new Date(clock()).toISOString(),
  };
  await metrics.recordIterationMetrics({ runsDir: config.runsDir, runId: config.runId, metrics: result });
  return { metrics: result, policyVersion: result.policyVersion, trainerStep: step, checkpointPath: last?.checkpointPath ?? null };
}
