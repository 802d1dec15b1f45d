import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  patched,
  ActivityFailure,
  ApplicationFailure,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { curriculumFilter } from '../core/rl/curriculum';
import { runConfigSchema, type RunConfig } from '../core/runConfig';
import type { IterationMetrics, TrainingStatus } from '../core/runStatus';
import { storeActivities } from './activityProxies';
import type { EvaluationSummary } from '../core/runStatus';
import type { RftResult } from './rftRun';
import { INITIAL_RUN_STATE, runStateSchema, type RunState } from '../core/runState';
import type { RlIterationResult } from './rlIteration';
import { searchAttributes } from './searchAttributes';
import { trackRun } from './trackRun';
import { evalRunSummary, rftRunSummary, rlIterationSummary } from '../core/summaries';
import { parseWorkflowInput } from './validateInput';
import { RunTrainer } from './runTrainer';
import { trainerTimeouts } from '../core/trainerOptions';


export { runStateSchema, type RunState };

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
  /** Where the run stands: what `swe-rl resume` continues a drained run from. */
  state?: RunState;
}


/**
 * The whole run: optional RFT, then the RL stages, one rlIteration child per iteration, with
 * continue-as-new after each so a run of hundreds of iterations keeps a small history. The
 * workflow id is the run id. Signals: pause, resume, drain; query: status.
 */
export async function trainingRun(rawConfig: unknown, rawState?: unknown): Promise<TrainingRunResult> {
  const config = parseWorkflowInput(runConfigSchema, rawConfig, 'config');
  const state = rawState === undefined ? { ...INITIAL_RUN_STATE } : parseWorkflowInput(runStateSchema, rawState, 'trainingRun state');
  let phase: TrainingStatus['phase'] = 'starting';
  const totalIterations = config.stages.reduce((a, s) => a + s.iterations, 0);
  setHandler(pauseSignal, () => void (state.paused = true));
  setHandler(resumeSignal, () => {
    state.paused = false;
    state.pausedReason = null;
  });
  setHandler(drainSignal, () => void (state.draining = true));
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
    draining: state.draining,
    episodesDone: 0,
    episodesTotal: 0,
    lastMetrics: state.lastMetrics as IterationMetrics | null,
    failuresByReason: state.failuresByReason,
    pausedReason: state.pausedReason,
    retry: state.retry,
  }));
  upsertSearchAttributes(searchAttributes(config.runId, config.stages[state.stageIndex]?.name ?? 'done', state.iteration, 'trainingRun'));
  const result = (outcome: TrainingRunResult['outcome']): TrainingRunResult => ({
    runId: config.runId,
    outcome,
    iterations: state.iteration,
    policyVersion: state.policyVersion,
    checkpointPath: state.checkpointPath,
    lastMetrics: state.lastMetrics as IterationMetrics | null,
    state: { ...state },
  });

  if (rawState === undefined) {
    await claimRunFolder(config);
    await checkTaskFiles(config);
  }
  // runs/<run>/config.resolved.yaml: what the run runs under, from its start and from each resume.
  if ((rawState === undefined || state.rollbackTo !== null) && patched('resolved-config')) {
    await storeActivities.writeResolvedConfig({ config });
  }
  await condition(() => !state.paused || state.draining);
  if (state.draining) return result('drained');
  if (state.rollbackTo !== null) {
    // A resumed run redoes the phase it stopped in: the trainer forgets that phase's steps first.
    await new RunTrainer({ run_id: config.runId, runs_dir: config.runsDir, model_path: config.model.basePath }, trainerTimeouts(config))
      .call((t) => t.rollback_run({ run_id: config.runId, runs_dir: config.runsDir, model_path: config.model.basePath, to_step: state.rollbackTo! }));
    state.rollbackTo = null;
  }

  const milestone = async (label: 'base' | 'rft' | 'rl', checkpointPath?: string): Promise<void> => {
    phase = 'eval';
    upsertSearchAttributes(searchAttributes(config.runId, `eval-${label}`, state.iteration, 'trainingRun'));
    await executeChild('evalRun', {
      workflowId: `${config.runId}/eval-${label}${state.retry ? `-r${state.retry}` : ''}`,
      args: [{ config, label, policyVersion: state.policyVersion, checkpointPath, ...(state.retry ? { retry: state.retry } : {}) }],
      typedSearchAttributes: searchAttributes(config.runId, `eval-${label}`, state.iteration, 'evalRun'),
      staticSummary: evalRunSummary(label, state.policyVersion, config.evaluation.runs),
    }) as Promise<EvaluationSummary>;
    state.evaluated = [...state.evaluated, label];
    await trackRun(config, state);
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
      staticSummary: rftRunSummary(config.rft.samplesPerTask),
    })) as RftResult;
    if (rft.aborted) return pauseOnFailures(rft.aborted);
    countFailures(rft.metrics);
    state.retry = 0;
    Object.assign(state, { rftDone: true, policyVersion: rft.policyVersion, trainerStep: rft.trainerStep, lastMetrics: rft.metrics });
    state.checkpointPath = rft.checkpointPath ?? state.checkpointPath;
    await trackRun(config, state);
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
    staticSummary: rlIterationSummary(iteration, stage.name, stage.problemsPerIteration, stage.groupSize),
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
  await trackRun(config, state);
  if (state.iterationInStage >= stage.iterations) {
    state.stageIndex++;
    state.iterationInStage = 0;
    state.allowedTaskIds = null;
  }
  if (state.draining) return result('drained');
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

