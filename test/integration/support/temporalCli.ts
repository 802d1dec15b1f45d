import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runAsync, type Run } from './processes';
import { TEMPORAL_ADDRESS } from './services';

/** The temporal CLI: from PATH, else the one infra/temporal.sh built into .tools/bin. */
export function temporalBinary(): string {
  const local = path.join(ROOT, '.tools', 'bin', 'temporal');
  if (existsSync(local)) return local;
  const which = spawnSync('bash', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  throw new Error('no temporal CLI: run infra/temporal.sh ensure-cli');
}

/** Runs the CLI against the dev server without blocking the event loop. */
export function temporalCli(args: string[], timeoutMs = 120_000, address = TEMPORAL_ADDRESS): Promise<Run> {
  return runAsync(temporalBinary(), [...args, '--address', address], {}, timeoutMs);
}
