import { resolvedConfigPath, resolvedConfigYaml } from '../../core/config/resolvedConfig';
import type { RunConfig } from '../../core/runConfig';
import { writeTextAtomic } from './files';

/** Writes `runs/<run>/config.resolved.yaml` (replacing the one of an earlier start of the run). */
export async function writeResolvedConfig(input: { config: RunConfig }): Promise<{ file: string }> {
  const file = resolvedConfigPath(input.config.runsDir, input.config.runId);
  writeTextAtomic(file, resolvedConfigYaml(input.config));
  return { file };
}
