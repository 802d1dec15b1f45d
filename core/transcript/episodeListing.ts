import { episodeOutcome, type EpisodeOutcome } from '../episodeOutcome';
import { episodePlace } from './episodePlace';
import type { StoredSummary } from './transcriptModel';

export interface EpisodeRow {
  episode: string;
  iteration: number | null;
  stage: string | null;
  task: string;
  reward: 0 | 1 | null;
  /** `in_progress` for an episode without a summary yet. */
  outcome: EpisodeOutcome | 'in_progress';
  endReason: string | null;
  turns: number;
}

export interface EpisodeFilters {
  iteration?: number;
  task?: string;
  outcome?: string;
  endReason?: string;
}

export const OUTCOMES = ['resolved', 'unresolved', 'failed', 'in_progress'] as const;

/** One listing row from what an episode's folder holds: its key, summary (if finished) and stored turns. */
export function episodeRow(
  episodeKey: string,
  summary: StoredSummary | null,
  storedTurns: number,
  stageByIteration: ReadonlyMap<number, string>,
): EpisodeRow {
  const place = episodePlace(episodeKey);
  return {
    episode: episodeKey,
    iteration: place.iteration,
    stage: place.stage ?? (place.iteration === null ? null : (stageByIteration.get(place.iteration) ?? null)),
    task: summary?.instanceId ?? place.task,
    reward: summary?.testReward ?? null,
    outcome: summary ? episodeOutcome(summary) : 'in_progress',
    endReason: summary?.endReason ?? null,
    turns: summary?.steps ?? storedTurns,
  };
}

export function filterRows(rows: EpisodeRow[], filters: EpisodeFilters): EpisodeRow[] {
  return rows.filter((r) =>
    (filters.iteration === undefined || r.iteration === filters.iteration) &&
    (filters.task === undefined || r.task === filters.task) &&
    (filters.outcome === undefined || r.outcome === filters.outcome) &&
    (filters.endReason === undefined || r.endReason === filters.endReason));
}

const COLUMNS: { title: string; cell: (r: EpisodeRow) => string }[] = [
  { title: 'EPISODE', cell: (r) => r.episode },
  { title: 'ITER', cell: (r) => dash(r.iteration) },
  { title: 'STAGE', cell: (r) => dash(r.stage) },
  { title: 'TASK', cell: (r) => r.task },
  { title: 'REWARD', cell: (r) => dash(r.reward) },
  { title: 'OUTCOME', cell: (r) => r.outcome },
  { title: 'END REASON', cell: (r) => dash(r.endReason) },
  { title: 'TURNS', cell: (r) => String(r.turns) },
];

/** A fixed-width table, one row per episode, headed by the column names. */
export function formatEpisodeTable(rows: EpisodeRow[]): string {
  const cells = [COLUMNS.map((c) => c.title), ...rows.map((r) => COLUMNS.map((c) => c.cell(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

function dash(value: string | number | null): string {
  return value === null ? '-' : String(value);
}
