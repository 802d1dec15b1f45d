import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { EvaluationSummary } from '../../core/runStatus';
import { TASK_QUEUES } from '../../core/taskQueues';
import { stringFlag, type ParsedArgs } from '../args';
import { connectClient } from '../client';
import { readRunConfig } from '../runConfigFile';

const DEFAULT_CONFIG = 'configs/local.json';

/**
 * `swe-rl eval --checkpoint REF --tasks FILE --runs K [--config FILE]`: publishes the checkpoint
 * and prints Pass@1 (mean +- standard error over K runs) and Pass@K.
 */
export async function evalCommand(args: ParsedArgs): Promise<number> {
  const config = readRunConfig(stringFlag(args, 'config') ?? DEFAULT_CONFIG);
  const checkpoint = stringFlag(args, 'checkpoint');
  const tasks = stringFlag(args, 'tasks');
  const runs = Number(stringFlag(args, 'runs') ?? config.evaluation.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
  const label = `cli-${randomUUID().slice(0, 8)}`;
  const client = await connectClient();
  const summary = (await client.workflow.execute('evalRun', {
    taskQueue: TASK_QUEUES.orchestrator,
    workflowId: `${config.runId}/eval-${label}`,
    args: [{
      config,
      label,
      policyVersion: checkpointVersion(checkpoint),
      checkpointPath: checkpoint ? path.resolve(checkpoint) : undefined,
      evalFile: tasks ? path.resolve(tasks) : undefined,
      runs,
    }],
  })) as EvaluationSummary;
  await client.connection.close();
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`Pass@1 ${pct(summary.pass1)} +- ${pct(summary.pass1Sem)} (${summary.runs} runs x ${summary.tasks} tasks), Pass@${summary.runs} ${pct(summary.passK)}, mean steps ${summary.meanSteps.toFixed(1)}, format errors ${pct(summary.formatErrorRate)}`);
  console.log(JSON.stringify(summary));
  return 0;
}

/** A checkpoint folder `.../step-000012` serves as policy version 12; none keeps version 0. */
function checkpointVersion(checkpoint: string | undefined): number {
  if (!checkpoint) return 0;
  const match = /step-(\d+)\/?$/.exec(checkpoint);
  return match ? Number(match[1]) : 0;
}

/**
 * `swe-rl schedule-eval [--config FILE] [--every 1h] [--id ID]`: a Temporal Schedule that
 * evaluates the run's newest checkpoint (skipping overlaps), visible in the Web UI.
 */
export async function scheduleEvalCommand(args: ParsedArgs): Promise<number> {
  const config = readRunConfig(stringFlag(args, 'config') ?? DEFAULT_CONFIG);
  const every = stringFlag(args, 'every') ?? '1h';
  const scheduleId = stringFlag(args, 'id') ?? `${config.runId}-eval`;
  const client = await connectClient();
  const existing = client.schedule.getHandle(scheduleId);
  await existing.delete().catch(() => undefined);
  await client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: every as `${number}h` }] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
    action: { type: 'startWorkflow', workflowType: 'evalLatestCheckpoint', taskQueue: TASK_QUEUES.orchestrator, workflowId: `${config.runId}/scheduled-eval`, args: [config] },
  });
  console.log(`schedule ${scheduleId}: evaluates the newest checkpoint of run ${config.runId} every ${every} (temporal schedule describe --schedule-id ${scheduleId})`);
  await client.connection.close();
  return 0;
}
