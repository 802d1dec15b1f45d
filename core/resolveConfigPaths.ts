import path from 'node:path';
import type { RunConfig } from './runConfig';

/**
 * Makes the config's relative paths absolute against `root` (the directory the command ran in),
 * so workers started elsewhere read the same files.
 */
export function resolveConfigPaths<T extends RunConfig>(config: T, root: string): T {
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.join(root, p));
  return {
    ...config,
    runsDir: abs(config.runsDir),
    model: { ...config.model, basePath: abs(config.model.basePath) },
    tasks: {
      trainFile: abs(config.tasks.trainFile),
      evalFile: abs(config.tasks.evalFile),
      reposDir: config.tasks.reposDir ? abs(config.tasks.reposDir) : undefined,
    },
  };
}
