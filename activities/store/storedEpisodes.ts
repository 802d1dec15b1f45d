import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EpisodePrompt, ObservationRecord, PolicyTurnRecord } from '../../core/agent/conversation';
import { episodeDir, runDir } from '../../core/store/runPaths';
import type { StoredEpisode, StoredGrade, StoredSummary } from '../../core/transcript/transcriptModel';
import { readMetricsFile } from '../metrics/readMetrics';
import { episodeFile, turnPath, type EpisodeRef } from './episodeStore';
import { readJson, readJsonIfExists } from './files';

/** Files that only an episode's own folder holds. */
const EPISODE_MARKERS = ['prompt.json', 'summary.json', 'sandbox.json', 'turns'];
/** Folders inside an episode that are not episodes (an earlier attempt moved aside, the turns). */
const NOT_EPISODES = new Set(['superseded', 'turns']);

/** Every episode key stored under `<runsDir>/<runId>/episodes/`, sorted. */
export function listEpisodeKeys(runsDir: string, runId: string): string[] {
  const root = path.join(runDir(runsDir, runId), 'episodes');
  const keys: string[] = [];
  const walk = (dir: string, key: string[]) => {
    const entries = readdirSync(dir);
    if (key.length > 0 && entries.some((f) => EPISODE_MARKERS.includes(f))) keys.push(key.join('/'));
    for (const entry of entries) {
      if (NOT_EPISODES.has(entry)) continue;
      const child = path.join(dir, entry);
      if (statSync(child).isDirectory()) walk(child, [...key, entry]);
    }
  };
  if (existsSync(root)) walk(root, []);
  return keys.sort();
}

/** The episode's turns as stored, each with its observation record (null while it runs). */
export function readTurnRecords(ref: EpisodeRef): StoredEpisode['turns'] {
  const dir = path.join(episodeDir(ref.runsDir, ref.runId, ref.episodeKey), 'turns');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^(\d{4})\.policy\.json$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b)
    .map((n) => ({
      policy: readJson<PolicyTurnRecord>(turnPath(ref, n, 'policy')),
      observation: readJsonIfExists<ObservationRecord>(turnPath(ref, n, 'observation')),
    }));
}

export function readSummary(ref: EpisodeRef): StoredSummary | null {
  return readJsonIfExists<StoredSummary>(episodeFile(ref, 'summary.json'));
}

/** RL stage names by iteration, from metrics.jsonl (empty before the first iteration ends). */
export function readStageByIteration(runsDir: string, runId: string): Map<number, string> {
  const { records } = readMetricsFile(path.join(runDir(runsDir, runId), 'metrics.jsonl'));
  return new Map(records.map((r) => [r.iteration, r.stage]));
}

export function readStoredEpisode(ref: EpisodeRef, stageByIteration: ReadonlyMap<number, string>): StoredEpisode {
  const text = (name: string) => (existsSync(episodeFile(ref, name)) ? readFileSync(episodeFile(ref, name), 'utf8') : null);
  return {
    runId: ref.runId,
    episodeKey: ref.episodeKey,
    prompt: readJsonIfExists<EpisodePrompt>(episodeFile(ref, 'prompt.json')),
    turns: readTurnRecords(ref),
    summary: readSummary(ref),
    grade: readJsonIfExists<StoredGrade>(episodeFile(ref, 'grade.json')),
    gradingLog: text('grading.log'),
    patch: text('patch.diff'),
    stageByIteration,
  };
}
