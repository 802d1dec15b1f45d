import type { TrainingStatus } from '../../core/runStatus';

/** What one look at a run shows: its phase (status query) and the episodes of the rollout running now. */
export interface ProgressSample {
  runId: string;
  phase: TrainingStatus['phase'];
  /** The running rollout's SweRlStage (`rft`, a stage name, `eval-<label>`); null between rollouts. */
  rollout: string | null;
  /** The RL iteration running now, 1-based (status iteration + 1 during `rl`). */
  iteration: number;
  totalIterations: number;
  /** Finished episodes of the running rollout (visibility count), null when unknown. */
  done: number | null;
  /** Episodes the running rollout will finish (its progress query), null when unknown. */
  total: number | null;
  policyVersion: number;
  paused: boolean;
  draining: boolean;
}

const BAR_WIDTH = 30;

/** Where the run is, in words: `stage1 iteration 3/10`, `eval-base`, `rft`, `starting`. */
export function progressPlace(s: ProgressSample): string {
  if (s.rollout?.startsWith('eval-')) return `evaluation ${s.rollout.slice('eval-'.length)}`;
  if (s.phase === 'rl') return `${s.rollout ?? 'rl'} iteration ${s.iteration}/${s.totalIterations}`;
  return s.rollout ?? s.phase;
}

/** What decides a new plain line in a log: the place changed. */
export function progressKey(s: ProgressSample): string {
  return `${s.phase}|${progressPlace(s)}|${s.paused}|${s.draining}`;
}

function episodes(s: ProgressSample): { text: string; fraction: number } {
  if (s.total === null || s.total <= 0) return { text: s.done === null ? '' : `${s.done} episodes`, fraction: 0 };
  const done = Math.min(s.done ?? 0, s.total);
  return { text: `${done}/${s.total} episodes (${Math.floor((100 * done) / s.total)}%)`, fraction: done / s.total };
}

/**
 * One progress report. On a terminal: a bar redrawn in place (carriage return, clear to end of
 * line, no newline). In a log: one plain, timestamped line ending in a newline.
 */
export function renderProgress(s: ProgressSample, tty: boolean, now: Date = new Date()): string {
  const { text, fraction } = episodes(s);
  const flags = `${s.paused ? ' (paused)' : ''}${s.draining ? ' (draining)' : ''}`;
  const parts = [progressPlace(s), text, `policy v${s.policyVersion}`].filter(Boolean);
  if (tty) {
    const filled = Math.round(fraction * BAR_WIDTH);
    return `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${parts.join(' ')}${flags}\x1b[K`;
  }
  return `${now.toISOString()} run ${s.runId}: ${parts.join(', ')}${flags}\n`;
}

/** In a log, a line is due when the place changed or `intervalMs` passed since the last one. */
export function logLineDue(last: { key: string; at: number } | null, s: ProgressSample, nowMs: number, intervalMs: number): boolean {
  return last === null || last.key !== progressKey(s) || nowMs - last.at >= intervalMs;
}
