import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The checkout's root (the folder with package.json), from the source tree or from dist/. */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** The trainer's virtual environment: $SWE_RL_VENV, by default the project's .venv (as infra/env.sh). */
export function trainerVenv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(projectRoot(), env.SWE_RL_VENV || '.venv');
}

export type PlotResult = { ok: true; files: string[] } | { ok: false; error: string };

const INSTALL_HINT = 'run infra/python-env.sh (it installs trainer/requirements.txt, matplotlib included) or point SWE_RL_VENV at an environment that has it';

/**
 * Draws `<outStem>.png` and `.svg` from report.json (and the run's metrics.jsonl beside it) with the
 * trainer's Python: `python -m swe_rl_trainer.plots report`. A missing Python or matplotlib comes
 * back as an error naming what to install; warnings about corrupt metrics lines go to stderr.
 */
export function drawReportPlot(reportFile: string, outStem: string, runId: string, env: NodeJS.ProcessEnv = process.env): PlotResult {
  const venv = trainerVenv(env);
  const python = path.join(venv, 'bin', 'python');
  if (!existsSync(python)) return { ok: false, error: `no Python at ${python}; ${INSTALL_HINT}` };
  const result = spawnSync(python, ['-m', 'swe_rl_trainer.plots', 'report', '--report', reportFile, '--out', outStem, '--run-id', runId], {
    // From trainer/ the package imports even where it is not installed into the environment.
    cwd: path.join(projectRoot(), 'trainer'),
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  if (result.error) return { ok: false, error: `${python} could not run: ${result.error.message}` };
  const stderr = result.stderr.trim();
  const missing = /No module named '([\w.]+)'/.exec(stderr);
  if (result.status !== 0 && missing) return { ok: false, error: `${python} has no module ${missing[1]}; ${INSTALL_HINT}` };
  if (result.status !== 0) return { ok: false, error: `swe_rl_trainer.plots report failed (exit ${result.status ?? result.signal}): ${stderr.split('\n').slice(-5).join('\n')}` };
  if (stderr) process.stderr.write(`${stderr}\n`);
  return { ok: true, files: result.stdout.trim().split('\n') };
}
