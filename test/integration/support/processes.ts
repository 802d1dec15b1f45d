import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a project command (bin/swe-rl, infra/*.sh) with extra environment, capturing its output. */
export function runProject(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 240_000): Run {
  const result = spawnSync(path.join(ROOT, command), args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A private state and log folder, so `up`/`down` in a test touch only what the test started. */
export function isolatedState(): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-state-'));
  return { SWE_RL_STATE_DIR: path.join(dir, 'state'), SWE_RL_LOG_DIR: path.join(dir, 'logs') };
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a program without blocking the event loop (in-process workers must keep running
 * meanwhile); a non-zero exit is a result, not an error.
 */
export function runAsync(file: string, args: string[], env: Record<string, string> = {}, timeoutMs = 600_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** Like runProject, without blocking the event loop. */
export function runProjectAsync(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 600_000): Promise<Run> {
  return runAsync(path.join(ROOT, command), args, env, timeoutMs);
}

/**
 * Environment for a second dev server of a test's own (ports, SQLite file, state and logs in a
 * temporary folder), started by infra/temporal.sh and stopped by infra/down.sh.
 */
export function isolatedTemporal(frontendPort: number, uiPort: number, extra: Record<string, string> = {}): { env: Record<string, string>; address: string; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-temporal-'));
  const env = {
    SWE_RL_STATE_DIR: path.join(dir, 'state'),
    SWE_RL_LOG_DIR: path.join(dir, 'logs'),
    TEMPORAL_DB_FILE: path.join(dir, 'temporal.sqlite'),
    TEMPORAL_FRONTEND_PORT: String(frontendPort),
    TEMPORAL_UI_PORT: String(uiPort),
    ...extra,
  };
  return { env, address: `127.0.0.1:${frontendPort}`, dir };
}
