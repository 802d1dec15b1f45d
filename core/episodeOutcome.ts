/** How an episode ended, as the Web UI filters it (search attribute `SweRlOutcome`). */
export type EpisodeOutcome = 'resolved' | 'unresolved' | 'failed';

/**
 * `resolved`: reward 1; `unresolved`: the episode ran to its end (graded, or never submitted) but
 * did not resolve the task; `failed`: an infrastructure or typed failure ended it (failurePolicy).
 */
export function episodeOutcome(summary: { status: 'completed' | 'failed'; testReward: number }): EpisodeOutcome {
  if (summary.status === 'failed') return 'failed';
  return summary.testReward === 1 ? 'resolved' : 'unresolved';
}
