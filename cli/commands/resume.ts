import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { resumedState, type LastExecution } from '../../core/runState';
import { runConfigSchema } from '../../core/runConfig';
import { TASK_QUEUES } from '../../core/taskQueues';
import { parseOrThrow } from '../../core/validation';
import { loadRunConfig } from '../loadRunConfig';
import { connectClient } from '../client';
import { workflowLink } from '../webUi';
import { followToEnd, type FollowOptions } from './train';

export interface ResumeOptions extends FollowOptions {
  runId: string;
  config?: string;
  /** `dotted.path=value` overrides of the --config file. */
  overrides?: string[];
  detach?: boolean;
}

/**
 * `swe-rl resume RUN`: a run that failed, was terminated, cancelled or drained goes on from its
 * last completed iteration, in the same run folder with the same checkpoints and step ledger. The
 * config and state come from the run's last execution in Temporal; the phase it stopped in is
 * done again with fresh ids, after the trainer drops that phase's steps (`rollback_run`).
 * `--config FILE [dotted.path=value...]` resumes with a changed config (for example more
 * iterations), same run id and folder.
 */
export async function resumeCommand(options: ResumeOptions): Promise<number> {
  const { runId } = options;
  const configFile = options.config;
  if (!configFile && options.overrides?.length) throw new Error('config overrides need --config FILE');
  const client = await connectClient();
  try {
    const handle = client.workflow.getHandle(runId);
    const description = await handle.describe();
    if (description.type !== 'trainingRun') throw new Error(`workflow ${runId} is a ${description.type}, not a trainingRun`);
    const history = await handle.fetchHistory();
    const recorded = readLastExecution(description.status.name, history);
    const { last } = recorded;
    const config = configFile ? replacementConfig(configFile, recorded.config, options.overrides) : recorded.config;
    const state = resumedState(runId, last);
    const started = await client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: runId, args: [config, state] });
    console.error(
      `[swe-rl] resumed run ${runId} (it was ${description.status.name.toLowerCase()}) at iteration ${state.iteration}, trainer step ${state.trainerStep}; ` +
        `Web UI: ${workflowLink(runId, client.options.namespace)}`,
    );
    if (options.detach) {
      console.log(JSON.stringify({ runId, runExecutionId: started.firstExecutionRunId, iteration: state.iteration, trainerStep: state.trainerStep, resumes: state.resumes }));
      return 0;
    }
    return await followToEnd(client, started, config, options);
  } finally {
    await client.connection.close();
  }
}

/** The config and state a run's last execution started with, and how it ended. */
export function readLastExecution(status: LastExecution['status'], history: temporal.api.history.v1.IHistory): { config: ReturnType<typeof runConfigSchema.parse>; last: LastExecution } {
  const events = history.events ?? [];
  const inputs = (events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
  if (inputs.length === 0) throw new Error('the run\'s last execution has no input to resume from');
  const config = parseOrThrow(runConfigSchema, inputs[0], 'the run\'s config');
  const completed = events.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
  const result = completed ? (defaultPayloadConverter.fromPayload(completed) as LastExecution['result']) : undefined;
  return { config, last: { status, startState: inputs[1], result } };
}

/**
 * A new config for a resumed run (more iterations, another stage, a new policy server address):
 * the same run in the same folder, so its run id and runs folder may not change.
 */
export function replacementConfig(file: string, recorded: { runId: string; runsDir: string }, overrides: string[] = []): ReturnType<typeof runConfigSchema.parse> {
  const config = loadRunConfig(file, overrides, recorded.runId);
  if (config.runsDir !== recorded.runsDir) throw new Error(`${file}: runsDir ${config.runsDir} differs from the run's ${recorded.runsDir}; a resumed run stays in its run folder`);
  return config;
}
