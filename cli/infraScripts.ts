import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs one of the infra/ shell scripts with the terminal attached; returns its exit code. */
export function runInfraScript(script: string, args: string[] = []): number {
  const result = spawnSync('bash', [path.join(ROOT, 'infra', script), ...args], { stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}
