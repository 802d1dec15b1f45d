import { shellQuote } from '../../core/shellQuote';
import type { ExecContext } from '../../core/environment/resolveEnvironment';

/** Container labels that carry a sandbox's exec context (see execArgv). */
export const EXEC_USER_LABEL = 'swe-rl.user';
export const EXEC_WORKDIR_LABEL = 'swe-rl.workdir';
export const EXEC_ACTIVATE_LABEL = 'swe-rl.activate';

export const DEFAULT_EXEC_USER = '1000:1000';
export const DEFAULT_WORKDIR = '/testbed';

export function execContextLabels(context: ExecContext | undefined): Record<string, string> {
  if (!context) return {};
  return {
    [EXEC_USER_LABEL]: context.user,
    [EXEC_WORKDIR_LABEL]: context.workdir,
    ...(context.activate ? { [EXEC_ACTIVATE_LABEL]: context.activate } : {}),
  };
}

/** The exec context a sandbox was created with; the base image's (uid 1000 in /testbed) for older containers. */
export function execContextFromLabels(labels: Record<string, string> | undefined | null): ExecContext {
  const activate = labels?.[EXEC_ACTIVATE_LABEL];
  return {
    user: labels?.[EXEC_USER_LABEL] || DEFAULT_EXEC_USER,
    workdir: labels?.[EXEC_WORKDIR_LABEL] || DEFAULT_WORKDIR,
    ...(activate ? { activate } : {}),
  };
}

/**
 * Git refuses a repository owned by another user ("dubious ownership"); published images lack the
 * base image's system-wide `safe.directory`. This environment says it for every git call.
 */
export const GIT_SAFE_DIRECTORY_ENV = ['GIT_CONFIG_COUNT=1', 'GIT_CONFIG_KEY_0=safe.directory', 'GIT_CONFIG_VALUE_0=*'];

/**
 * argv run after the environment's activation: `bash -c 'ACTIVATE; exec "$@"' bash ARGV...`, so
 * the command itself (its line numbers, its arguments) is unchanged.
 */
export function activatedArgv(argv: string[], activate: string | undefined): string[] {
  if (!activate) return argv;
  const failed = `echo ${shellQuote(`swe-rl: activating the environment (${activate}) failed`)} >&2; exit 126`;
  return ['bash', '-c', `{ ${activate}\n} || { ${failed}; }\nexec "$@"`, 'bash', ...argv];
}

/** The exec context of an environment, as createSandbox takes it. */
export function execContextOf(context: ExecContext): ExecContext {
  return { user: context.user, workdir: context.workdir, ...(context.activate ? { activate: context.activate } : {}) };
}
