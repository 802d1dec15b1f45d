import { writeSync } from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { RunConfig } from '../../core/runConfig';
import { connectClient } from '../client';
import { loadRunConfig } from '../loadRunConfig';
import { followProgress } from '../progress/follow';
import { workflowLink } from '../webUi';
import { buildReport } from './report';

/** How a followed run shows itself: progress on stderr, the result on stdout (JSON or text). */
export interface FollowOptions {
  json?: boolean;
  /** Seconds between plain progress lines when stderr is not a terminal. */
  progressInterval?: number;
}

export interface TrainOptions extends FollowOptions {
  config: string;
  runId?: string;
  /** Start the run (or find it running) and return at once. */
  detach?: boolean;
  /** `dotted.path=value` config overrides. */
  overrides?: string[];
}

/**
 * `swe-rl train --config FILE [dotted.path=value...]`: starts the run (workflow id = run id; an
 * already running run is attached to), shows the progress of the running rollout's episodes and
 * each iteration's metrics, and returns when the run ends. Ctrl-C detaches without stopping the run.
 */
export async function trainCommand(options: TrainOptions): Promise<number> {
  const config = loadRunConfig(options.config, options.overrides ?? [], options.runId);
  const client = await connectClient();
  let handle: WorkflowHandle;
  let started = true;
  try {
    handle = await client.workflow.start('trainingRun', { taskQueue: TASK_QUEUES.orchestrator, workflowId: config.runId, args: [config] });
    console.error(`[swe-rl] started run ${config.runId}; Web UI: ${workflowLink(config.runId)}`);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    started = false;
    handle = client.workflow.getHandle(config.runId);
    console.error(`[swe-rl] run ${config.runId} is already running; following it`);
  }
  if (options.detach) {
    const description = await handle.describe();
    console.log(JSON.stringify({ runId: config.runId, started, runExecutionId: description.runId, webUi: workflowLink(config.runId) }));
    await client.connection.close();
    return 0;
  }
  return followToEnd(client, handle, config, options);
}

/** Follows a started run with progress until it ends (Ctrl-C detaches), then prints its result and report. */
export async function followToEnd(client: Client, handle: WorkflowHandle, config: RunConfig, options: FollowOptions = {}): Promise<number> {
  process.once('SIGINT', () => {
    // Synchronous: process.exit would drop output still buffered for a pipe.
    writeSync(2, `\n[swe-rl] detached; the run goes on (swe-rl status ${config.runId})\n`);
    process.exit(130);
  });
  const finished = handle.result().then(
    (r) => ({ ok: true as const, r }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  await followProgress(client, config.runId, {
    tty: process.stderr.isTTY === true,
    intervalMs: (options.progressInterval ?? 30) * 1000,
    finished,
    write: (text) => process.stderr.write(text),
  });
  const outcome = await finished;
  await client.connection.close();
  if (!outcome.ok) {
    console.error(`[swe-rl] run ${config.runId} failed: ${describe(outcome.e)}`);
    if (options.json) console.log(JSON.stringify({ runId: config.runId, outcome: 'failed', error: describe(outcome.e) }));
    return 1;
  }
  const report = config.evaluation.milestones ? runReport(config) : null;
  if (options.json) {
    console.log(JSON.stringify({ ...(outcome.r as object), report: report?.report ?? null }));
    return 0;
  }
  console.log(JSON.stringify(outcome.r, null, 2));
  if (report) console.log(`\n${report.text}`);
  return 0;
}

function runReport(config: RunConfig): ReturnType<typeof buildReport> | null {
  try {
    return buildReport(path.resolve(config.runsDir), config.runId);
  } catch (err) {
    console.error(`[swe-rl] no report: ${(err as Error).message}`);
    return null;
  }
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
