import { shellQuote } from '../shellQuote';

export interface PatchScriptOptions {
  repoDir?: string;
  /** Diff against this commit, so changes the agent committed itself are in the patch too. */
  baseCommit?: string;
}

// Files that running Python code leaves behind when the repository does not ignore them.
const BYPRODUCTS = ["':(exclude,glob)**/__pycache__/**'", "':(exclude,glob)**/*.pyc'", "':(exclude,glob)**/.pytest_cache/**'"].join(' ');

/**
 * The bash script that prints the episode's patch after `submit`: every change of the working tree,
 * new untracked files included (staged first, as `git diff` alone would leave them out).
 */
export function buildPatchScript(options: PatchScriptOptions = {}): string {
  const repo = shellQuote(options.repoDir ?? '/testbed');
  const base = shellQuote(options.baseCommit ?? 'HEAD');
  const git = `git -C ${repo} -c core.quotepath=off -c safe.directory='*'`;
  return `${git} add -A >/dev/null && ${git} diff --cached --no-color --no-ext-diff ${base} -- . ${BYPRODUCTS}\n`;
}
