import { writeSync } from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { IterationMetrics, TrainingStatus } from '../../core/runStatus';
import { TASK_QUEUES } from '../../core/taskQueues';
import { stringFlag, type ParsedArgs } from '../args';
import { connectClient } from '../client';
import { readRunConfig } from '../runConfigFile';
import type { RunConfig } from '../../core/runConfig';
import { webUiUrl } from './sandboxRun';
import { writeReport } from './report';

/**
 * `swe-rl train --config FILE`: starts the run (workflow id = run id; an already running run is
 * attached to), shows a progress bar of the iteration's episodes and each iteration's metrics,
 * and returns when the run ends. Ctrl-C detaches without stopping the run.
 */
export async function trainCommand(args: ParsedArgs): Promise<number> {
  const file = stringFlag(args, 'config');
  if (!file) throw new Error('usage: swe-rl train --config FILE [--run-id ID]');
  const runIdOverride = stringFlag(args, 'run-id');
  const config = runIdOverride ? readRunConfig(file, { runId: runIdOverride }) : readRunConfig(file);
  const client = await connectClient();
  let handle: WorkflowHandle;
  try {
    handle = await client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] });
    console.error(`[swe-rl] started run ${config.runId}; Web UI: ${webUiUrl()}/namespaces/default/workflows/${config.runId}`);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle(config.runId);
    console.error(`[swe-rl] run ${config.runId} is already running; following it`);
  }
  return followToEnd(client, handle, config);
}

/** Follows a started run with progress until it ends (Ctrl-C detaches), then prints its result and report. */
export async function followToEnd(client: Client, handle: WorkflowHandle, config: RunConfig): Promise<number> {
  let detached = false;
  process.once('SIGINT', () => {
    detached = true;
    // Synchronous: process.exit would drop output still buffered for a pipe.
    writeSync(2, `\n[swe-rl] detached; the run goes on (swe-rl status ${config.runId})\n`);
    process.exit(130);
  });
  const finished = handle.result().then(
    (r) => ({ ok: true as const, r }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  await follow(client, config.runId, () => detached, finished);
  const outcome = await finished;
  await client.connection.close();
  if (!outcome.ok) {
    console.error(`[swe-rl] run ${config.runId} failed: ${describe(outcome.e)}`);
    return 1;
  }
  console.log(JSON.stringify(outcome.r, null, 2));
  if (config.evaluation.milestones) {
    console.log('');
    try {
      writeReport(path.resolve(config.runsDir), config.runId);
    } catch (err) {
      console.error(`[swe-rl] no report: ${(err as Error).message}`);
    }
  }
  return 0;
}

async function follow(client: Client, runId: string, detached: () => boolean, finished: Promise<unknown>): Promise<void> {
  let done = false;
  void finished.then(() => (done = true));
  let lastPrinted = '';
  while (!done && !detached()) {
    const status = await client.workflow.getHandle(runId).query<TrainingStatus>('status').catch(() => null);
    if (status) {
      const progress = await iterationProgress(client, runId, status);
      process.stderr.write(`\r${progressLine(status, progress)}`);
      const metrics = status.lastMetrics;
      const key = metrics ? `${metrics.stage}/${metrics.iteration}` : '';
      if (metrics && key !== lastPrinted) {
        lastPrinted = key;
        process.stderr.write(`\n${metricsLine(metrics)}\n`);
      }
    }
    await Promise.race([finished, new Promise((r) => setTimeout(r, 2000))]);
  }
  process.stderr.write('\n');
}

async function iterationProgress(client: Client, runId: string, status: TrainingStatus): Promise<{ done: number; total: number } | null> {
  if (status.phase !== 'rl' && status.phase !== 'rft') return null;
  const attempt = status.retry ? `-r${status.retry}` : '';
  const id = status.phase === 'rft' ? `${runId}/rft${attempt}` : `${runId}/it-${String(status.iteration + 1).padStart(4, '0')}${attempt}`;
  return client.workflow.getHandle(id).query<{ done: number; total: number }>('progress').catch(() => null);
}

export function progressLine(status: TrainingStatus, progress: { done: number; total: number } | null): string {
  const width = 30;
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
  const where = status.phase === 'rl' ? `${status.stage} iteration ${status.iteration + 1}/${status.totalIterations}` : status.phase;
  const episodes = progress ? ` ${progress.done}/${progress.total} episodes` : '';
  return `[${bar}] ${where}${episodes} policy v${status.policyVersion}${status.paused ? ' (paused)' : ''}${status.draining ? ' (draining)' : ''}   `;
}

export function metricsLine(m: IterationMetrics): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const evaluation = m.evaluation ? ` | eval Pass@1 ${pct(m.evaluation.pass1)} +- ${pct(m.evaluation.pass1Sem)}, Pass@${m.evaluation.runs} ${pct(m.evaluation.passK)}` : '';
  return (
    `${m.stage} #${m.iteration}: pass ${pct(m.passRate)}, reward ${m.meanReward.toFixed(3)}, steps ${m.meanSteps.toFixed(1)}, ` +
    `submit ${pct(m.submitRate)}, format errors ${pct(m.formatErrorRate)}, filtered groups ${pct(m.filteredGroupFraction)}, ` +
    `failed ${m.failedEpisodes}, trained ${m.trainedTrajectories}, ` +
    `time rollout ${m.phaseSeconds.rollout.toFixed(0)}s train ${m.phaseSeconds.train.toFixed(0)}s${evaluation}`
  );
}

function describe(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  while (current instanceof Error) {
    parts.push(current.message);
    current = (current as Error & { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
