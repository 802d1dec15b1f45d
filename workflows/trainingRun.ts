import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  ActivityFailure,
  ApplicationFailure,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { z } from 'zod';
import { curriculumFilter } from '../core/rl/curriculum';
import { runConfigSchema, type RunConfig } from '../core/runConfig';
import type { IterationMetrics, TrainingStatus } from '../core/runStatus';
import { storeActivities } from './activityProxies';
import type { EvaluationSummary } from '../core/runStatus';
import type { RftResult } from './rftRun';
import type { RlIterationResult } from './rlIteration';
import { searchAttributes } from './searchAttributes';
import { parseWorkflowInput } from './validateInput';

/** Small state carried across continue-as-new (everything else lives in the store). */
export const runStateSchema = z.strictObject({
  rftDone: z.boolean(),
  stageIndex: z.number().int().min(0),
  iterationInStage: z.number().int().min(0),
  iteration: z.number().int().min(0),
  policyVersion: z.number().int().min(0),
  trainerStep: z.number().int().min(0),
  checkpointPath: z.string().nullable(),
  allowedTaskIds: z.array(z.string()).nullable(),
  paused: z.boolean(),
  lastMetrics: z.any().nullable(),
  /** Milestone evaluations done so far (base, rft, rl). */
  evaluated: z.array(z.string()).default([]),
  /** Failed episodes by reason over the finished rollouts. */
  failuresByReason: z.record(z.string(), z.number()).default({}),
  /** Rollouts of the current phase thrown away (failure budget exceeded, then resumed). */
  retry: z.number().int().min(0).default(0),
  pausedReason: z.string().nullable().default(null),
});
export type RunState = z.output<typeof runStateSchema>;

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const drainSignal = defineSignal('drain');
export const statusQuery = defineQuery<TrainingStatus>('status');

export interface TrainingRunResult {
  runId: string;
  outcome: 'completed' | 'drained';
  iterations: number;
  policyVersion: number;
  checkpointPath: string | null;
  lastMetrics: IterationMetrics | null;
}

const INITIAL_STATE: RunState = {
  rftDone: false,
  stageIndex: 0,
  iterationInStage: 0,
  iteration: 0,
  policyVersion: 0,
  trainerStep: 0,
  checkpointPath: null,
  allowedTaskIds: null,
  paused: false,
  lastMetrics: null,
  evaluated: [],
  failuresByReason: {},
  retry: 0,
  pausedReason: null,
};

/**
 * The whole run: optional RFT, then the RL stages, one rlIteration child per iteration, with
 * continue-as-new after each so a run of hundreds of iterations keeps a small history. The
 * workflow id is the run id. Signals: pause, resume, drain; query: status.
 */
export async function trainingRun(rawConfig: unknown, rawState?: unknown): Promise<TrainingRunResult> {
  const config = parseWorkflowInput(runConfigSchema, rawConfig, 'config');
  const state = rawState === undefined ? { ...INITIAL_STATE } : parseWorkflowInput(runStateSchema, rawState, 'trainingRun state');
  let draining = false;
  let phase: TrainingStatus['phase'] = 'starting';
  const totalIterations = config.stages.reduce((a, s) => a + s.iterations, 0);
  setHandler(pauseSignal, () => void (state.paused = true));
  setHandler(resumeSignal, () => {
    state.paused = false;
    state.pausedReason = null;
  });
  setHandler(drainSignal, () => void (draining = true));
  setHandler(statusQuery, () => ({
    runId: config.runId,
    phase,
    stage: config.stages[state.stageIndex]?.name ?? null,
    stageIndex: state.stageIndex,
    iteration: state.iteration,
    totalIterations,
    policyVersion: state.policyVersion,
    checkpointPath: state.checkpointPath,
    paused: state.paused,
    draining,
    episodesDone: 0,
    episodesTotal: 0,
    lastMetrics: state.lastMetrics as IterationMetrics | null,
    failuresByReason: state.failuresByReason,
    pausedReason: state.pausedReason,
  }));
  upsertSearchAttributes(searchAttributes(config.runId, config.stages[state.stageIndex]?.name ?? 'done', state.iteration, 'trainingRun'));
  const result = (outcome: TrainingRunResult['outcome']): TrainingRunResult => ({
    runId: config.runId,
    outcome,
    iterations: state.iteration,
    policyVersion: state.policyVersion,
    checkpointPath: state.checkpointPath,
    lastMetrics: state.lastMetrics as IterationMetrics | null,
  });

  if (rawState === undefined) {
    await claimRunFolder(config);
    await checkTaskFiles(config);
  }
  await condition(() => !state.paused || draining);
  if (draining) return result('drained');

  const milestone = async (label: 'base' | 'rft' | 'rl', checkpointPath?: string): Promise<void> => {
    phase = 'eval';
    upsertSearchAttributes(searchAttributes(config.runId, `eval-${label}`, state.iteration, 'trainingRun'));
    await executeChild('evalRun', {
      workflowId: `${config.runId}/eval-${label}`,
      args: [{ config, label, policyVersion: state.policyVersion, checkpointPath }],
      typedSearchAttributes: searchAttributes(config.runId, `eval-${label}`, state.iteration, 'evalRun'),
    }) as Promise<EvaluationSummary>;
    state.evaluated = [...state.evaluated, label];
  };
  const milestones = config.evaluation.milestones;
  const countFailures = (metrics: IterationMetrics | null) => {
    for (const [reason, n] of Object.entries(metrics?.failureReasons ?? {})) state.failuresByReason[reason] = (state.failuresByReason[reason] ?? 0) + n;
  };
  // Too many failed episodes to train on: the rollout is thrown away, the run pauses with the
  // reason (status query, search attributes) and, once resumed, rolls the same phase out again.
  const pauseOnFailures = (reason: string) => {
    state.paused = true;
    state.pausedReason = reason;
    state.retry++;
    return continueAsNew<typeof trainingRun>(config, state);
  };

  if (milestones && !state.evaluated.includes('base')) {
    // The base weights are published as version 0 first, so a server restarted on them or still
    // serving them both work; a server already past version 0 is refused with a clear error.
    await milestone('base', config.model.basePath);
    return continueAsNew<typeof trainingRun>(config, state);
  }

  if (config.rft?.enabled && !state.rftDone) {
    phase = 'rft';
    upsertSearchAttributes(searchAttributes(config.runId, 'rft', 0, 'trainingRun'));
    const rft = (await executeChild('rftRun', {
      workflowId: `${config.runId}/rft${state.retry ? `-r${state.retry}` : ''}`,
      args: [{ config, policyVersion: state.policyVersion, trainerStep: state.trainerStep, retry: state.retry }],
      typedSearchAttributes: searchAttributes(config.runId, 'rft', 0, 'rftRun'),
    })) as RftResult;
    if (rft.aborted) return pauseOnFailures(rft.aborted);
    countFailures(rft.metrics);
    state.retry = 0;
    Object.assign(state, { rftDone: true, policyVersion: rft.policyVersion, trainerStep: rft.trainerStep, lastMetrics: rft.metrics });
    state.checkpointPath = rft.checkpointPath ?? state.checkpointPath;
    return continueAsNew<typeof trainingRun>(config, state);
  }

  if (milestones && config.rft?.enabled && !state.evaluated.includes('rft')) {
    await milestone('rft');
    return continueAsNew<typeof trainingRun>(config, state);
  }

  const stage = config.stages[state.stageIndex];
  if (!stage) {
    if (milestones && !state.evaluated.includes('rl')) await milestone('rl');
    phase = 'done';
    return result('completed');
  }
  phase = 'rl';
  if (state.iterationInStage === 0 && stage.curriculumFilter && state.allowedTaskIds === null) {
    state.allowedTaskIds = await curriculumTasks(config);
  }
  const iteration = state.iteration + 1;
  upsertSearchAttributes(searchAttributes(config.runId, stage.name, iteration, 'trainingRun'));
  const evaluate = config.evaluation.everyIterations > 0 && iteration % config.evaluation.everyIterations === 0;
  const out = (await executeChild('rlIteration', {
    workflowId: `${config.runId}/it-${String(iteration).padStart(4, '0')}${state.retry ? `-r${state.retry}` : ''}`,
    args: [{
      config,
      stageIndex: state.stageIndex,
      iteration,
      policyVersion: state.policyVersion,
      trainerStep: state.trainerStep,
      allowedTaskIds: state.allowedTaskIds ?? undefined,
      evaluate,
      retry: state.retry,
      milestone: state.iterationInStage + 1 >= stage.iterations,
    }],
    typedSearchAttributes: searchAttributes(config.runId, stage.name, iteration, 'rlIteration'),
  })) as RlIterationResult;
  if (out.aborted) return pauseOnFailures(out.aborted);
  countFailures(out.metrics);
  state.retry = 0;
  state.iteration = iteration;
  state.iterationInStage++;
  state.policyVersion = out.policyVersion;
  state.trainerStep = out.trainerStep;
  state.checkpointPath = out.checkpointPath ?? state.checkpointPath;
  state.lastMetrics = out.metrics;
  if (state.iterationInStage >= stage.iterations) {
    state.stageIndex++;
    state.iterationInStage = 0;
    state.allowedTaskIds = null;
  }
  if (draining) return result('drained');
  if (state.stageIndex >= config.stages.length && !milestones) {
    phase = 'done';
    return result('completed');
  }
  return continueAsNew<typeof trainingRun>(config, state);
}

async function curriculumTasks(config: RunConfig): Promise<string[]> {
  const ids = await storeActivities.listTaskIds({ file: config.tasks.trainFile });
  const stats = await storeActivities.readTaskStats({ runsDir: config.runsDir, runId: config.runId });
  const kept = curriculumFilter(ids, stats).kept;
  return kept.length > 0 ? kept : ids;
}

/** One run per run folder: a reused run id must not read an earlier run's stored episodes. */
async function claimRunFolder(config: RunConfig): Promise<void> {
  try {
    await storeActivities.claimRunFolder({ runsDir: config.runsDir, runId: config.runId, owner: workflowInfo().firstExecutionRunId });
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'RunFolderTaken') {
      throw ApplicationFailure.create({ message: err.cause.message, type: 'RunFolderTaken', nonRetryable: true });
    }
    throw err;
  }
}

/** A bad task file fails the run at once, naming the records, instead of deep in an iteration. */
async function checkTaskFiles(config: RunConfig): Promise<void> {
  try {
    await storeActivities.listTaskIds({ file: config.tasks.trainFile });
    await storeActivities.listTaskIds({ file: config.tasks.evalFile });
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'InvalidTaskFile') {
      throw ApplicationFailure.create({ message: err.cause.message, type: 'InvalidTaskFile', nonRetryable: true });
    }
    throw err;
  }
}

