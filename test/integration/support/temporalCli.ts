import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TEMPORAL_ADDRESS } from './services';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The temporal CLI: from PATH, else the one infra/temporal.sh built into .tools/bin. */
export function temporalBinary(): string {
  const local = path.join(ROOT, '.tools', 'bin', 'temporal');
  if (existsSync(local)) return local;
  const which = spawnSync('bash', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  throw new Error('no temporal CLI: run infra/temporal.sh ensure-cli');
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking the event loop (in-process workers must keep running meanwhile). */
export function temporalCli(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      temporalBinary(),
      [...args, '--address', TEMPORAL_ADDRESS],
      { encoding: 'utf8', timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}
