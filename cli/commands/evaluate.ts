import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { EvaluationSummary } from '../../core/runStatus';
import { TASK_QUEUES } from '../../core/taskQueues';
import { connectClient } from '../client';
import { DEFAULT_CONFIG } from '../defaultConfig';
import { loadRunConfig } from '../loadRunConfig';
import { followRollout } from '../progress/followRollout';
import { searchAttributes } from '../../workflows/searchAttributes';

export interface EvalOptions {
  config?: string;
  checkpoint?: string;
  tasks?: string;
  runs?: number;
  /** The summary as one JSON object on stdout instead of the sentence. */
  json?: boolean;
  overrides?: string[];
  /** In a log (stderr not a terminal): seconds between two progress lines. */
  progressInterval?: number;
}

export interface ScheduleEvalOptions {
  config?: string;
  every?: string;
  id?: string;
  overrides?: string[];
}

/**
 * `swe-rl eval --checkpoint REF --tasks FILE --runs K [--config FILE] [dotted.path=value...]`:
 * publishes the checkpoint and prints Pass@1 (mean +- standard error over K runs) and Pass@K.
 */
export async function evalCommand(options: EvalOptions): Promise<number> {
  const config = loadRunConfig(options.config ?? DEFAULT_CONFIG, options.overrides ?? []);
  const { checkpoint, tasks } = options;
  const runs = options.runs ?? config.evaluation.runs;
  const label = `cli-${randomUUID().slice(0, 8)}`;
  const client = await connectClient();
  const stage = `eval-${label}`;
  const policyVersion = checkpointVersion(checkpoint);
  const startedAt = new Date();
  const handle = await client.workflow.start('evalRun', {
    taskQueue: TASK_QUEUES.orchestrator,
    workflowId: `${config.runId}/${stage}`,
    typedSearchAttributes: searchAttributes(config.runId, stage, 0, 'evalRun'),
    args: [{
      config,
      label,
      policyVersion,
      checkpointPath: checkpoint ? path.resolve(checkpoint) : undefined,
      evalFile: tasks ? path.resolve(tasks) : undefined,
      runs,
    }],
  });
  const result = handle.result() as Promise<EvaluationSummary>;
  await followRollout(client, handle, { runId: config.runId, stage, iteration: 0, policyVersion, startedAt }, {
    tty: process.stderr.isTTY === true,
    intervalMs: (options.progressInterval ?? 30) * 1000,
    finished: result,
    write: (text) => process.stderr.write(text),
  });
  const summary = await result;
  await client.connection.close();
  if (options.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`Pass@1 ${pct(summary.pass1)} +- ${pct(summary.pass1Sem)} (${summary.runs} runs x ${summary.tasks} tasks), Pass@${summary.runs} ${pct(summary.passK)}, mean steps ${summary.meanSteps.toFixed(1)}, format errors ${pct(summary.formatErrorRate)}`);
  return 0;
}

/** A checkpoint folder `.../step-000012` serves as policy version 12; none keeps version 0. */
function checkpointVersion(checkpoint: string | undefined): number {
  if (!checkpoint) return 0;
  const match = /step-(\d+)\/?$/.exec(checkpoint);
  return match ? Number(match[1]) : 0;
}

/**
 * `swe-rl schedule-eval [--config FILE] [--every 1h] [--id ID] [dotted.path=value...]`: a Temporal Schedule that
 * evaluates the run's newest checkpoint (skipping overlaps), visible in the Web UI.
 */
export async function scheduleEvalCommand(options: ScheduleEvalOptions): Promise<number> {
  const config = loadRunConfig(options.config ?? DEFAULT_CONFIG, options.overrides ?? []);
  const every = options.every ?? '1h';
  const scheduleId = options.id ?? `${config.runId}-eval`;
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
