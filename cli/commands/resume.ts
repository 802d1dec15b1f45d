import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { resumedState, type LastExecution } from '../../core/runState';
import { runConfigSchema } from '../../core/runConfig';
import { TASK_QUEUES } from '../../core/taskQueues';
import { parseOrThrow } from '../../core/validation';
import type { ParsedArgs } from '../args';
import { connectClient } from '../client';
import { webUiUrl } from './sandboxRun';
import { followToEnd } from './train';

/**
 * `swe-rl resume RUN`: a run that failed, was terminated, cancelled or drained goes on from its
 * last completed iteration, in the same run folder with the same checkpoints and step ledger. The
 * config and state come from the run's last execution in Temporal; the phase it stopped in is
 * done again with fresh ids, after the trainer drops that phase's steps (`rollback_run`).
 */
export async function resumeCommand(args: ParsedArgs): Promise<number> {
  const runId = args.positional[0];
  if (!runId || args.positional.length > 1) throw new Error('usage: swe-rl resume RUN [--detach]');
  const client = await connectClient();
  try {
    const handle = client.workflow.getHandle(runId);
    const description = await handle.describe();
    if (description.type !== 'trainingRun') throw new Error(`workflow ${runId} is a ${description.type}, not a trainingRun`);
    const history = await handle.fetchHistory();
    const { config, last } = readLastExecution(description.status.name, history);
    const state = resumedState(runId, last);
    const started = await client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: runId, args: [config, state] });
    console.error(
      `[swe-rl] resumed run ${runId} (it was ${description.status.name.toLowerCase()}) at iteration ${state.iteration}, trainer step ${state.trainerStep}; ` +
        `Web UI: ${webUiUrl()}/namespaces/${client.options.namespace}/workflows/${runId}`,
    );
    if (args.flags.has('detach')) {
      console.log(JSON.stringify({ runId, runExecutionId: started.firstExecutionRunId, iteration: state.iteration, trainerStep: state.trainerStep, resumes: state.resumes }));
      return 0;
    }
    return await followToEnd(client, started, config);
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
