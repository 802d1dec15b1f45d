import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveConfigPaths } from '../core/resolveConfigPaths';
import { runConfigSchema, type RunConfig } from '../core/runConfig';
import { parseOrThrow } from '../core/validation';

/** Reads and validates a run config; relative paths resolve against the current directory. */
export function readRunConfig(file: string, overrides: Record<string, unknown> = {}): RunConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read config ${file}: ${(err as Error).message}`);
  }
  const merged = typeof raw === 'object' && raw !== null ? { ...raw, ...overrides } : raw;
  return resolveConfigPaths(parseOrThrow(runConfigSchema, merged, 'config'), path.resolve('.'));
}
