import path from 'node:path';
import { stringify } from 'yaml';
import type { RunConfig } from '../runConfig';
import { runDir } from '../store/runPaths';

export const RESOLVED_CONFIG_FILE = 'config.resolved.yaml';

/** `runs/<run>/config.resolved.yaml`. */
export function resolvedConfigPath(runsDir: string, runId: string): string {
  return path.join(runDir(runsDir, runId), RESOLVED_CONFIG_FILE);
}

/**
 * The config a run actually runs under (overrides, schema defaults and absolute paths applied),
 * as YAML that `swe-rl train --config` reads back to the same config.
 */
export function resolvedConfigYaml(config: RunConfig): string {
  const header = [
    `# The resolved config of run ${config.runId}: overrides, defaults and absolute paths applied.`,
    '# Written by the run when it starts or resumes; swe-rl train --config FILE --run-id NEW repeats it.',
  ].join('\n');
  return `${header}\n${stringify(config, { lineWidth: 0 })}`;
}
