import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readTurns } from '../../../activities/store/episodeStore';

/** Every file under `dir` (recursively) whose name matches. */
export function findFiles(dir: string, name: RegExp, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findFiles(full, name, out);
    else if (name.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * The stored episodes of a run, and a check that each completed one is whole: turns contiguous,
 * every turn but a final submit observed, as many turns as the summary's steps.
 */
export function storedEpisodes(runsDir: string, runId: string): { episodeKey: string; dir: string; summary: Record<string, any> }[] {
  const root = path.join(runsDir, runId, 'episodes');
  return findFiles(root, /^summary\.json$/)
    .filter((file) => !file.includes(`${path.sep}superseded${path.sep}`))
    .map((file) => ({ episodeKey: path.relative(root, path.dirname(file)), dir: path.dirname(file), summary: JSON.parse(readFileSync(file, 'utf8')) }));
}

export function expectTrajectoriesWhole(runsDir: string, runId: string): number {
  let checked = 0;
  for (const { episodeKey, summary } of storedEpisodes(runsDir, runId)) {
    if (summary.status !== 'completed') continue;
    const turns = readTurns({ runsDir, runId, episodeKey });
    expect(turns).toHaveLength(summary.steps);
    turns.forEach((t, i) => {
      expect(t.policy.turn).toBe(i + 1);
      if (t.policy.action.kind !== 'submit') expect(t.observation).not.toBeNull();
    });
    checked++;
  }
  return checked;
}
