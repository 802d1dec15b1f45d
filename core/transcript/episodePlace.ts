/** Where an episode sits in its run, read from its key `<phase>/<task>/s<sample>/a<attempt>`. */
export interface EpisodePlace {
  /** `rft`, `it-0003`, `eval-base`, each maybe with `-r<n>`; the key's first part otherwise. */
  phase: string;
  /** RFT is iteration 0; an RL phase `it-0003` (or its evaluation `eval-it-0003`) is 3. */
  iteration: number | null;
  /** `rft` and `eval-<label>` are known from the key; an RL iteration's stage comes from metrics. */
  stage: string | null;
  task: string;
  sample: number | null;
  attempt: number | null;
}

const RETRY = /-r\d+$/;

export function episodePlace(episodeKey: string): EpisodePlace {
  const parts = episodeKey.split('/');
  const phase = parts[0];
  const sample = /^s(\d+)$/.exec(parts.at(-2) ?? '')?.[1];
  const attempt = /^a(\d+)$/.exec(parts.at(-1) ?? '')?.[1];
  const numbered = sample !== undefined && attempt !== undefined && parts.length >= 4;
  const task = numbered ? parts.slice(1, -2).join('/') : (parts[1] ?? '');
  const base = phase.replace(RETRY, '');
  const rlIteration = /(?:^|-)it-(\d+)$/.exec(base)?.[1];
  const iteration = base === 'rft' ? 0 : rlIteration !== undefined ? Number(rlIteration) : null;
  const stage = base === 'rft' ? 'rft' : base.startsWith('eval-') ? base : null;
  return {
    phase,
    iteration,
    stage,
    task,
    sample: numbered ? Number(sample) : null,
    attempt: numbered ? Number(attempt) : null,
  };
}

/**
 * The episode keys an argument may name, in order: the key itself, then, for the episode
 * workflow's id `<run>/<key>` (what the Web UI shows), the key inside it.
 */
export function episodeKeyCandidates(runId: string, argument: string): string[] {
  const trimmed = argument.trim().replace(/^\/+|\/+$/g, '');
  return trimmed.startsWith(`${runId}/`) ? [trimmed, trimmed.slice(runId.length + 1)] : [trimmed];
}
