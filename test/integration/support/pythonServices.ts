import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './processes';
import { TEMPORAL_ADDRESS } from './services';

export const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

function requireVenv(): void {
  if (!existsSync(PYTHON)) throw new Error(`integration tests need the trainer environment ${PYTHON} (run infra/python-env.sh)`);
}

/** Builds the tiny local model (from nothing, seeded) into a fresh folder. */
export function buildTinyModel(seed = 0): string {
  requireVenv();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-tiny-'));
  const result = spawnSync(PYTHON, ['-m', 'swe_rl_trainer.tiny_model', '--out', dir, '--seed', String(seed)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the tiny model failed: ${result.stderr}`);
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A program a test started and will stop. */
export interface StartedProcess {
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts a Python module and waits until it prints `ready`. */
export function startPython(args: string[], ready: RegExp, timeoutMs = 120_000, temporalAddress = TEMPORAL_ADDRESS, env: Record<string, string> = {}): Promise<StartedProcess> {
  requireVenv();
  return startUntilReady(PYTHON, ['-u', ...args], ready, { env: { TEMPORAL_ADDRESS: temporalAddress, ...env }, timeoutMs });
}

/**
 * Starts a program and waits until its output matches `ready`. With `detached` it leads its own
 * process group, so a test can kill it and everything it started at once.
 */
export function startUntilReady(
  file: string,
  args: string[],
  ready: RegExp,
  options: { env?: Record<string, string>; timeoutMs?: number; detached?: boolean } = {},
): Promise<StartedProcess> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const child = spawn(file, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, detached: options.detached });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not become ready:\n${output}`)), timeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ process: child, output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

export async function startPolicyServer(modelDir: string, extra: string[] = [], fixedPort?: number): Promise<StartedProcess & { url: string }> {
  const port = fixedPort ?? (await freePort());
  const server = await startPython(
    ['-m', 'swe_rl_trainer.policy_server', '--model', modelDir, '--port', String(port), '--threads', '1', ...extra],
    /policy server listening on/,
  );
  return { ...server, url: `http://127.0.0.1:${port}` };
}

export function startTrainerWorker(temporalAddress = TEMPORAL_ADDRESS, env: Record<string, string> = {}): Promise<StartedProcess> {
  return startPython(['-m', 'swe_rl_trainer.worker'], /trainer worker polling/, 120_000, temporalAddress, env);
}
