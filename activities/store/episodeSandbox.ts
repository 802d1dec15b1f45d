import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { episodeFile, type EpisodeRef } from './episodeStore';
import { readJsonIfExists, writeJsonOnce } from './files';

export interface EpisodeSandboxRecord {
  sandboxId: string;
  host: string;
  boundAt: string;
}

const RECORD = 'sandbox.json';
const SUPERSEDED = 'superseded';

/**
 * Binds the episode's stored turns to one sandbox. The first sandbox recorded owns them. When the
 * episode comes back with another sandbox (the workflow was reset, or started again under its id
 * before it finished), the earlier attempt's files are moved to `superseded/<old sandbox>/` and
 * the episode starts afresh: turns recorded against one container are never replayed into another.
 */
export function bindEpisodeSandbox(ref: EpisodeRef, sandbox: { sandboxId: string; host: string }): { superseded: string | null } {
  const dir = path.dirname(episodeFile(ref, RECORD));
  const current = readJsonIfExists<EpisodeSandboxRecord>(path.join(dir, RECORD));
  if (current?.sandboxId === sandbox.sandboxId) return { superseded: null };
  let superseded: string | null = null;
  if (current || (existsSync(dir) && readdirSync(dir).some((f) => f !== SUPERSEDED))) {
    superseded = path.join(dir, SUPERSEDED, current?.sandboxId ?? `unbound-${Date.now()}`);
    mkdirSync(superseded, { recursive: true });
    for (const entry of readdirSync(dir)) if (entry !== SUPERSEDED) renameSync(path.join(dir, entry), path.join(superseded, entry));
  }
  const bound = writeJsonOnce<EpisodeSandboxRecord>(path.join(dir, RECORD), { ...sandbox, boundAt: new Date().toISOString() });
  if (bound.sandboxId !== sandbox.sandboxId) throw mismatch(ref, sandbox.sandboxId, bound.sandboxId);
  return { superseded };
}

/** Refuses to read or write turns for a sandbox that does not own the episode's store. */
export function assertEpisodeSandbox(ref: EpisodeRef, sandboxId: string | undefined): void {
  if (!sandboxId) return;
  const current = readJsonIfExists<EpisodeSandboxRecord>(episodeFile(ref, RECORD));
  if (current && current.sandboxId !== sandboxId) throw mismatch(ref, sandboxId, current.sandboxId);
}

function mismatch(ref: EpisodeRef, asked: string, owner: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `episode ${ref.episodeKey}: its stored turns belong to sandbox ${owner}, not ${asked} (a superseded attempt)`,
    'StoreMismatch',
  );
}
