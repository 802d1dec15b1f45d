import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { EpisodePrompt, ObservationRecord, PolicyTurnRecord, TurnPair } from '../../core/agent/conversation';
import { episodeDir, turnFile } from '../../core/store/runPaths';
import { readJson, readJsonIfExists } from './files';
import { TurnFileCache } from './turnFileCache';

export interface EpisodeRef {
  runsDir: string;
  runId: string;
  episodeKey: string;
}

export function promptFile(ref: EpisodeRef): string {
  return path.join(episodeDir(ref.runsDir, ref.runId, ref.episodeKey), 'prompt.json');
}

export function episodeFile(ref: EpisodeRef, name: string): string {
  return path.join(episodeDir(ref.runsDir, ref.runId, ref.episodeKey), name);
}

export function turnPath(ref: EpisodeRef, turn: number, part: 'policy' | 'observation' | 'started'): string {
  return turnFile(episodeDir(ref.runsDir, ref.runId, ref.episodeKey), turn, part);
}

export function readPrompt(ref: EpisodeRef): EpisodePrompt {
  const file = promptFile(ref);
  if (!existsSync(file)) throw new Error(`episode ${ref.episodeKey} of run ${ref.runId} has no prompt at ${file}`);
  return readJson<EpisodePrompt>(file);
}

interface JsonReader {
  readJson<T>(file: string): T;
  readJsonIfExists<T>(file: string): T | null;
}

const fromStore: JsonReader = { readJson, readJsonIfExists };

/** Turn files parsed by this process's policy turns (bounded; checked against the files on each read). */
const conversationCache = new TurnFileCache(Number(process.env.SWE_RL_TURN_CACHE_MB ?? 64) * 1024 * 1024);

/**
 * readTurns for the policy's next turn: the same listing and checks, but turn files this process
 * parsed before are taken from its cache (turnFileCache.ts), so each turn parses only what is new.
 */
export function readConversationTurns(ref: EpisodeRef, beforeTurn: number): TurnPair[] {
  return readTurns(ref, beforeTurn, conversationCache);
}

/** The episode's turns in order, each with its observation (null for a turn still in flight). */
export function readTurns(ref: EpisodeRef, beforeTurn = Number.POSITIVE_INFINITY, reader: JsonReader = fromStore): TurnPair[] {
  const dir = path.join(episodeDir(ref.runsDir, ref.runId, ref.episodeKey), 'turns');
  if (!existsSync(dir)) return [];
  const numbers = readdirSync(dir)
    .map((f) => /^(\d{4})\.policy\.json$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .filter((n) => n < beforeTurn)
    .sort((a, b) => a - b);
  numbers.forEach((n, i) => {
    if (n !== i + 1) throw new Error(`episode ${ref.episodeKey}: turn ${i + 1} is missing from the store (found ${numbers.join(', ')})`);
  });
  return numbers.map((n) => {
    const policy = reader.readJson<PolicyTurnRecord>(turnPath(ref, n, 'policy'));
    const observation = policy.observation ?? reader.readJsonIfExists<ObservationRecord>(turnPath(ref, n, 'observation'))?.observation ?? null;
    return { policy, observation };
  });
}
