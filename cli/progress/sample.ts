import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TrainingStatus } from '../../core/runStatus';
import type { ProgressSample } from './render';

const STAGE = defineSearchAttributeKey('SweRlStage', SearchAttributeType.KEYWORD);
const ITERATION = defineSearchAttributeKey('SweRlIteration', SearchAttributeType.INT);
const KIND = defineSearchAttributeKey('SweRlKind', SearchAttributeType.KEYWORD);

/** The workflows that roll episodes out; an evaluation inside an RL iteration is the innermost. */
const ROLLOUT_KINDS = ['evalRun', 'rftRun', 'rlIteration'] as const;

/** A query no worker answers (the worker is down) must not hold up the display. */
const QUERY_DEADLINE_MS = 5000;

const quote = (s: string) => `'${s.replace(/'/g, "\\'")}'`;

/** Whole seconds, rounded down: the visibility query compares start times to the second. */
function visibilityTime(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The rollout running now under the run: an evaluation before the iteration around it. */
async function runningRollout(client: Client, runId: string): Promise<WorkflowExecutionInfo | null> {
  const query = `SweRlRun=${quote(runId)} AND ExecutionStatus='Running' AND SweRlKind IN (${ROLLOUT_KINDS.map(quote).join(', ')})`;
  const found: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query })) found.push(execution);
  const rank = (e: WorkflowExecutionInfo) => ROLLOUT_KINDS.indexOf(e.typedSearchAttributes.get(KIND) as (typeof ROLLOUT_KINDS)[number]);
  return found.sort((a, b) => rank(a) - rank(b) || b.startTime.getTime() - a.startTime.getTime())[0] ?? null;
}

/** Finished episodes of one rollout: its stage and iteration, started since the rollout started (a retried phase starts afresh). */
export function finishedEpisodesQuery(runId: string, stage: string, iteration: number, since: Date): string {
  return (
    `SweRlRun=${quote(runId)} AND SweRlKind='episode' AND SweRlStage=${quote(stage)} AND SweRlIteration=${iteration} ` +
    `AND ExecutionStatus!='Running' AND StartTime>=${quote(visibilityTime(since))}`
  );
}

/**
 * One look at a run: the phase from its `status` answer, the running rollout's expected episodes
 * from that rollout's `progress` query, and its finished episodes counted through the visibility
 * API, so evaluations count too.
 */
export async function sampleProgress(client: Client, status: TrainingStatus): Promise<ProgressSample> {
  const runId = status.runId;
  const sample: ProgressSample = {
    runId,
    phase: status.phase,
    rollout: null,
    iteration: status.phase === 'rl' ? status.iteration + 1 : status.iteration,
    totalIterations: status.totalIterations,
    done: null,
    total: null,
    policyVersion: status.policyVersion,
    paused: status.paused,
    draining: status.draining,
  };
  const rollout = await runningRollout(client, runId).catch(() => null);
  const stage = rollout?.typedSearchAttributes.get(STAGE);
  const iteration = rollout?.typedSearchAttributes.get(ITERATION);
  if (!rollout || stage === undefined || iteration === undefined) return sample;
  sample.rollout = stage;
  const [progress, finished] = await Promise.all([
    client
      .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => client.workflow.getHandle(rollout.workflowId, rollout.runId).query<{ total: number }>('progress'))
      .catch(() => null),
    client.workflow.count(finishedEpisodesQuery(runId, stage, iteration, rollout.startTime)).catch(() => null),
  ]);
  sample.total = progress?.total ?? null;
  sample.done = finished?.count ?? null;
  return sample;
}
