import type { Client } from '@temporalio/client';
import type { TrainingStatus } from '../../core/runStatus';
import { metricsLine } from './metricsLine';
import { logLineDue, progressKey, renderProgress, type ProgressSample } from './render';
import { sampleProgress } from './sample';

export interface FollowOptions {
  /** A live bar redrawn in place (a terminal), else plain lines (a log). */
  tty: boolean;
  /** In a log: the most time between two lines while the place stays the same. */
  intervalMs: number;
  /** Resolves when the run ends. */
  finished: Promise<unknown>;
  write(text: string): void;
}

const TTY_POLL_MS = 2000;
const LOG_POLL_MS = 5000;
const STATUS_DEADLINE_MS = 10_000;

/**
 * Shows `sample()` until `finished` settles: a bar redrawn in place on a terminal, else a plain
 * line when the place changes or `intervalMs` passed. `sample` may write lines of its own through
 * `interject`, which ends a bar shown before them.
 */
export async function reportProgress(
  sample: (interject: (line: string) => void) => Promise<ProgressSample | null>,
  options: FollowOptions,
): Promise<void> {
  let done = false;
  void options.finished.then(() => (done = true), () => (done = true));
  let lastLine: { key: string; at: number } | null = null;
  let barShown = false;
  const interject = (line: string) => {
    options.write(`${barShown ? '\n' : ''}${line}\n`);
    barShown = false;
  };
  const pollMs = options.tty ? TTY_POLL_MS : Math.min(options.intervalMs, LOG_POLL_MS);
  while (!done) {
    const now = Date.now();
    const current = await sample(interject);
    if (current && options.tty) {
      options.write(renderProgress(current, true));
      barShown = true;
    } else if (current && logLineDue(lastLine, current, now, options.intervalMs)) {
      options.write(renderProgress(current, false, new Date(now)));
      lastLine = { key: progressKey(current), at: now };
    }
    await Promise.race([options.finished.catch(() => undefined), new Promise((r) => setTimeout(r, pollMs))]);
  }
  if (barShown) options.write('\n');
}

/** Reports a run's progress until it ends, and each finished iteration's figures as it comes. */
export async function followProgress(client: Client, runId: string, options: FollowOptions): Promise<void> {
  let lastMetrics = '';
  await reportProgress(async (interject) => {
    const status = await client
      .withDeadline(Date.now() + STATUS_DEADLINE_MS, () => client.workflow.getHandle(runId).query<TrainingStatus>('status'))
      .catch(() => null);
    if (!status) return null;
    const metrics = status.lastMetrics;
    const metricsKey = metrics ? `${metrics.stage}/${metrics.iteration}` : '';
    if (metrics && metricsKey !== lastMetrics) {
      lastMetrics = metricsKey;
      interject(metricsLine(metrics));
    }
    return sampleProgress(client, status);
  }, options);
}
