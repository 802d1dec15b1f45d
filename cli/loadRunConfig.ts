import { runConfigSchema, type RunConfig } from '../core/runConfig';
import { parseOrThrow } from '../core/validation';
import { readRunConfig } from './runConfigFile';

/**
 * A run config file with the command line's `dotted.path=value` overrides applied, and its run id
 * replaced when `runId` is given (validated again, so a bad id is named like any bad field).
 */
export function loadRunConfig(file: string, overrides: string[] = [], runId?: string): RunConfig {
  const config = readRunConfig(file, overrides);
  return runId === undefined ? config : parseOrThrow(runConfigSchema, { ...config, runId }, 'config');
}
