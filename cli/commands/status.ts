import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { runMetricsPaths } from '../../core/metrics/metricsPaths';
import { formatMetricsTable, formatTrainingStatus } from '../../core/metrics/statusTable';
import type { IterationMetrics, TrainingStatus } from '../../core/runStatus';
import { readMetricsFile } from '../../activities/metrics/readMetrics';
import { connectClient } from '../client';

/** What the command needs from Temporal: the live status query and a way to close. */
export interface LiveStatusSource {
  queryStatus(runId: string): Promise<TrainingStatus>;
  close(): Promise<void>;
}

export interface StatusDeps {
  connect(): Promise<LiveStatusSource>;
  print(text: string): void;
  /** How long to wait for the server (connect and query each) before giving up on the live part. */
  timeoutMs: number;
}

async function temporalSource(): Promise<LiveStatusSource> {
  const client = await connectClient();
  return {
    queryStatus: (runId) => client.workflow.getHandle(runId).query<TrainingStatus>('status'),
    close: () => client.connection.close(),
  };
}

const defaultDeps: StatusDeps = {
  connect: temporalSource,
  print: (text) => process.stdout.write(text),
  timeoutMs: 10_000,
};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type Live = { kind: 'status'; status: TrainingStatus } | { kind: 'not-found' } | { kind: 'unavailable'; reason: string };

async function liveStatus(runId: string, deps: StatusDeps): Promise<Live> {
  let source: LiveStatusSource;
  try {
    source = await withTimeout(deps.connect(), deps.timeoutMs, 'the Temporal server');
  } catch (err) {
    return { kind: 'unavailable', reason: err instanceof Error ? err.message : String(err) };
  }
  try {
    return { kind: 'status', status: await withTimeout(source.queryStatus(runId), deps.timeoutMs, `the status query of workflow ${runId}`) };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { kind: 'not-found' };
    return { kind: 'unavailable', reason: err instanceof Error ? err.message : String(err) };
  } finally {
    await source.close().catch(() => undefined);
  }
}

/** Which trainer process last took the run's lease (runs/<run>/trainer.owner.json), and its queue. */
export function trainerHolder(runsDir: string, runId: string): string | null {
  let owner: { worker_id?: unknown; task_queue?: unknown; host?: unknown; pid?: unknown };
  try {
    owner = JSON.parse(readFileSync(path.join(runsDir, runId, 'trainer.owner.json'), 'utf8'));
  } catch {
    return null;
  }
  return `trainer: last taken by ${String(owner.worker_id)} (host ${String(owner.host)}, pid ${String(owner.pid)}), steps on ${String(owner.task_queue)}`;
}

export interface StatusOptions {
  runId: string;
  runsDir?: string;
  /** One JSON object on stdout instead of the table. */
  json?: boolean;
}

/** What `swe-rl status --json` prints: the same facts as the table, as one object. */
export interface StatusReport {
  runId: string;
  metricsFile: string;
  trainer: string | null;
  iterations: IterationMetrics[];
  skippedLines: string[];
  live: Live;
}

/**
 * `swe-rl status RUN [--runs-dir DIR] [--json]`: the iterations recorded in RUN's metrics.jsonl,
 * then the trainingRun workflow's live `status` query when the Temporal server answers. Exit code
 * 0 when either part had something to show, 1 when neither did.
 */
export async function statusCommand(options: StatusOptions, deps: StatusDeps = defaultDeps): Promise<number> {
  const { runId } = options;
  const runsDir = options.runsDir ?? 'runs';
  const { metricsFile } = runMetricsPaths(runsDir, runId);
  const { records, problems } = readMetricsFile(metricsFile);
  const holder = trainerHolder(runsDir, runId);
  const live = await liveStatus(runId, deps);
  const code = records.length > 0 || live.kind === 'status' ? 0 : 1;
  if (options.json) {
    const report: StatusReport = { runId, metricsFile, trainer: holder, iterations: records, skippedLines: problems, live };
    deps.print(`${JSON.stringify(report)}\n`);
    return code;
  }

  deps.print(`run ${runId}: ${metricsFile}\n`);
  if (holder) deps.print(`${holder}\n`);
  deps.print(formatMetricsTable(records));
  for (const p of problems) deps.print(`warning: skipped corrupt line ${p}\n`);
  deps.print('\n');
  if (live.kind === 'status') deps.print(`live status (workflow ${runId}):\n${formatTrainingStatus(live.status)}`);
  else if (live.kind === 'not-found') deps.print(`live status: no workflow ${runId} on the Temporal server\n`);
  else deps.print(`live status unavailable: ${live.reason}\n`);
  return code;
}
