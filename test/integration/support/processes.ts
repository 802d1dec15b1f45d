import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
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

/** A Temporal server of a test's own; `start` runs `script start`, `pidFile` names its server process. */
export interface IsolatedTemporal {
  env: Record<string, string>;
  address: string;
  dir: string;
  script: string;
  pidFile: string;
}

/**
 * Environment for a Temporal server of a test's own (ports, state and logs in a temporary folder),
 * stopped by infra/down.sh: the dev server (infra/temporal.sh, SQLite file in the folder), or with
 * SWE_RL_TEST_TEMPORAL=service the Temporal Service on PostgreSQL (infra/temporal-service.sh) on
 * the same frontend port (it takes the 20 ports from there), its PostgreSQL cluster in the folder
 * and listening on uiPort (the service has no Web UI). Tests of the dev server itself pass kind 'dev'.
 */
export function isolatedTemporal(frontendPort: number, uiPort: number, extra: Record<string, string> = {}, kind = testTemporalKind()): IsolatedTemporal {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-temporal-'));
  // As root, PostgreSQL runs as its own user and must reach its data folder inside this one.
  if (kind === 'service') chmodSync(dir, 0o755);
  const common = { SWE_RL_STATE_DIR: path.join(dir, 'state'), SWE_RL_LOG_DIR: path.join(dir, 'logs') };
  const own: Record<string, string> =
    kind === 'service'
      ? { SWE_RL_TEMPORAL: 'service', TEMPORAL_SERVICE_PORT: String(frontendPort), TEMPORAL_SERVICE_PG_PORT: String(uiPort), TEMPORAL_SERVICE_PG_DIR: path.join(dir, 'pg') }
      : { TEMPORAL_DB_FILE: path.join(dir, 'temporal.sqlite'), TEMPORAL_FRONTEND_PORT: String(frontendPort), TEMPORAL_UI_PORT: String(uiPort) };
  return {
    env: { ...common, ...own, ...extra },
    address: `127.0.0.1:${frontendPort}`,
    dir,
    script: kind === 'service' ? 'infra/temporal-service.sh' : 'infra/temporal.sh',
    pidFile: path.join(common.SWE_RL_STATE_DIR, kind === 'service' ? 'temporal-service.pid' : 'temporal.pid'),
  };
}

function testTemporalKind(): 'dev' | 'service' {
  const kind = process.env.SWE_RL_TEST_TEMPORAL ?? 'dev';
  if (kind !== 'dev' && kind !== 'service') throw new Error(`SWE_RL_TEST_TEMPORAL must be dev or service, not ${kind}`);
  return kind;
}
