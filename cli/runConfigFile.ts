import { readFileSync } from 'node:fs';
import path from 'node:path';
import { applyOverrides } from '../core/config/overrides';
import { parseConfigText } from '../core/config/configText';
import { deprecatedKeyWarnings } from '../core/config/runSampling';
import { resolveConfigPaths } from '../core/resolveConfigPaths';
import { runConfigSchema, type RunConfig } from '../core/runConfig';
import { parseOrThrow } from '../core/validation';

/**
 * Reads a run config (YAML or JSON by extension), applies overrides (`dotted.path=value` strings,
 * or an object of top-level keys), validates it and makes its relative paths absolute against the
 * current directory. Deprecated key spellings are accepted with a warning on stderr.
 */
export function readRunConfig(file: string, overrides: readonly string[] | Record<string, unknown> = {}): RunConfig {
  let raw: unknown;
  try {
    raw = parseConfigText(readFileSync(file, 'utf8'), file);
  } catch (err) {
    throw new Error(`cannot read config ${file}: ${(err as Error).message}`);
  }
  const merged = applyOverrides(raw, overrides);
  for (const warning of deprecatedKeyWarnings(merged)) console.error(`[swe-rl] ${file}: ${warning}`);
  return resolveConfigPaths(parseOrThrow(runConfigSchema, merged, 'config'), path.resolve('.'));
}
