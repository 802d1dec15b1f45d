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
import { historyBoundSchema, rftWindowsStateSchema, rolloutInWindows } from './rftWindowedRollout';
import { DEFAULT_HISTORY_BOUND, rolloutFigures } from '../core/rl/rftWindows';
import type { RunConfig } from '../core/runConfig';
import type { EpisodeOutcome } from '../core/rl/iterationBatch';

export const rftRunInputSchema = z.strictObject({
  config: runConfigSchema,
  policyVersion: z.number().int().min(0),
  trainerStep: z.number().int().min(0),
  /** Rollouts thrown away so far (failure budget exceeded, run paused and resumed). */
  retry: z.number().int().min(0).default(0),
  /** The most events and bytes any history of the phase may hold (sizes the windows); DEFAULT_HISTORY_BOUND when absent. */
  historyBound: historyBoundSchema.optional(),
  /** Carried across continue-as-new by the windowed rollout: the next window and the counts so far. */
  windows: rftWindowsStateSchema.optional(),
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
  if (!input.config.rft) throw new Error('rftRun needs config.rft');
  // Windows of children, continue-as-new and batches from the store; histories recorded before
  // take the single-history path below.
  if (input.windows || patched('rft-windows')) return rftInWindows(input);
  return rftInOneHistory(input);
}

type RftRunInput = z.output<typeof rftRunInputSchema>;

/**
 * The rollout in windows (workflows/rftWindow.ts): the parent holds the windows' summed counts
 * only, and the SFT batches are written from the windows' refs files in the store.
 */
async function rftInWindows(input: RftRunInput): Promise<RftResult> {
  const { config } = input;
  const rft = config.rft!;
  const phase = input.retry ? `rft-r${input.retry}` : 'rft';
  const bound = input.historyBound ?? DEFAULT_HISTORY_BOUND;
  const { state, progress } = await rolloutInWindows({
    config,
    phase,
    shared: sharedEpisodeInput(config, { maxTurns: rft.maxTurns, contextTokens: rft.contextTokens, maxTokensPerTurn: config.stages[0].maxTokensPerTurn }, input.policyVersion),
    bound,
    state: input.windows,
    carry: (windows) => ({ ...input, windows }),
  });
  const aborted = checkFailureBudget(config, `${config.runId} rft`, progress);
  if (aborted) return { metrics: null, policyVersion: input.policyVersion, trainerStep: input.trainerStep, checkpointPath: null, aborted };
  const counts = state.counts;
  const rolloutSeconds = (Date.now() - state.rolloutStartedAt) / 1000;

  const trainStart = Date.now();
  const steps: { step: number; batchPath: string }[] = [];
  if (counts.passing > 0) {
    for (let epoch = 1; epoch <= rft.epochs; epoch++) {
      // Each epoch reshuffles (seeded) the passing trajectories; a call writes a bounded share of its batches.
      let stepsInEpoch = 1;
      for (let from = 0; from < stepsInEpoch;) {
        const written = await storeBatchActivities.writeRftBatches({
          runsDir: config.runsDir, runId: config.runId, phase, windows: Math.ceil(state.tasks / state.windowTasks), expected: counts.passing,
          epoch, batchSize: rft.batchSize, seed: deriveSeed(config.seed, 3_000_000 + epoch), fromStep: from, maxSteps: RFT_BATCHES_PER_CALL,
        });
        stepsInEpoch = written.stepsInEpoch;
        from += written.batchPaths.length;
        for (const batchPath of written.batchPaths) steps.push({ step: input.trainerStep + steps.length + 1, batchPath });
      }
    }
  }
  const figures = rolloutFigures(counts);
  return trainAndRecord(input, steps, counts.passing, trainStart, rolloutSeconds, {
    ...figures,
    failedEpisodes: counts.failed,
    failureReasons: counts.failures,
    retriedReasons: counts.retried,
  });
}

/** SFT batches one writeRftBatches call writes at most (each a heartbeating stream of up to batchSize trajectories). */
const RFT_BATCHES_PER_CALL = 16;

type RolloutFigures = ReturnType<typeof rolloutFigures> & { failedEpisodes: number; failureReasons: Record<string, number>; retriedReasons: Record<string, number> };

/** The rollout, batches and training in one history: every task's group and summaries in it (before `rft-windows`). */
async function rftInOneHistory(input: RftRunInput): Promise<RftResult> {
  const { config } = input;
  const rft = config.rft!;
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
  const outcomes: EpisodeSummary[] = groups.flat();
  const credited = config.shuffleRewards ? shuffleRewards(outcomes, deriveSeed(config.seed, 0)) : outcomes;
  const passing = credited.filter((o) => o.status === 'completed' && o.testReward === 1);
  const rolloutSeconds = (clock() - rolloutStart) / 1000;

  const trainStart = clock();
  const steps: { step: number; batchPath: string }[] = [];
  if (passing.length > 0) {
    // Each epoch reshuffles (seeded) the passing trajectories into steps of at most batchSize.
    for (let epoch = 1; epoch <= rft.epochs; epoch++) {
      const planned = miniBatches(passing.map((o) => ({ episodeKey: o.episodeKey })), rft.batchSize, deriveSeed(config.seed, 3_000_000 + epoch));
      for (const [i, entries] of planned.entries()) {
        const name = `rft-e${String(epoch).padStart(2, '0')}-step${String(i + 1).padStart(3, '0')}`;
        const written = await storeBatchActivities.writeTrainingBatch({ runsDir: config.runsDir, runId: config.runId, name, entries });
        steps.push({ step: input.trainerStep + steps.length + 1, batchPath: written.batchPath });
      }
    }
  }
  const rollout = rolloutMetrics(outcomes as EpisodeOutcome[], 10, Math.max(11, rft.maxTurns));
  return trainAndRecord(input, steps, passing.length, trainStart, rolloutSeconds, {
    episodes: rollout.episodes,
    passRate: rollout.passRate,
    meanSteps: rollout.meanSteps,
    submitRate: rollout.submitRate,
    formatErrorRate: rollout.formatErrorRate,
    completionTokens: rollout.completionTokens,
    failedEpisodes: outcomes.length - rollout.episodes,
    failureReasons: outcomes.filter((o) => o.status === 'failed').reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.endReason]: (acc[o.endReason] ?? 0) + 1 }), {}),
    retriedReasons: progress.retried,
  });
}

/** The SFT steps as one trainSteps child (a milestone checkpoint, published), then the phase's metrics. */
async function trainAndRecord(input: RftRunInput, steps: { step: number; batchPath: string }[], passing: number, trainStart: number, rolloutSeconds: number, rollout: RolloutFigures): Promise<RftResult> {
  const config: RunConfig = input.config;
  const rft = config.rft!;
  const schedule = rftSchedule(passing, rft.batchSize, rft.epochs, rft.warmupSteps);
  let last: TrainStepsResult | null = null;
  if (steps.length > 0) {
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
  const result: IterationMetrics = {
    runId: config.runId,
    stage: 'rft',
    iteration: 0,
    policyVersion: last?.policyVersion ?? input.policyVersion,
    episodes: rollout.episodes,
    failedEpisodes: rollout.failedEpisodes,
    failureReasons: rollout.failureReasons,
    retriedReasons: rollout.retriedReasons,
    passRate: rollout.passRate,
    meanReward: rollout.passRate,
    filteredGroupFraction: 0,
    meanSteps: rollout.meanSteps,
    submitRate: rollout.submitRate,
    formatErrorRate: rollout.formatErrorRate,
    completionTokens: rollout.completionTokens,
    trainedTrajectories: passing,
    trainLoss: last ? meanOf(last.steps, (s) => s.loss) : null,
    clipFracLow: null,
    clipFracHigh: null,
    optimizerSteps: last?.steps.length ?? 0,
    gradNorm: last ? meanOf(last.steps, (s) => s.gradNorm) : null,
    logprobMismatchMean: null,
    logprobMismatchMax: null,
    trainSteps: last?.steps ?? [],
    phaseSeconds: { rollout: rolloutSeconds, advantage: 0, train: (Date.now() - trainStart) / 1000, eval: 0 },
    evaluation: null,
    finishedAt: new Date(Date.now()).toISOString(),
  };
  await metrics.recordIterationMetrics({ runsDir: config.runsDir, runId: config.runId, metrics: result });
  return { metrics: result, policyVersion: result.policyVersion, trainerStep: last?.step ?? input.trainerStep, checkpointPath: last?.checkpointPath ?? null };
}
