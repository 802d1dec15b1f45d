import { spawn } from 'node:child_process';

export interface HostCommandResult {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/**
 * Runs a program on the host without blocking the event loop (activities keep heartbeating),
 * stdout and stderr merged and the tail kept; killed at the timeout.
 */
export function runHostCommand(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; keepBytes?: number },
): Promise<HostCommandResult> {
  const keep = options.keepBytes ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const append = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > 2 * keep) output = output.slice(-keep);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${file}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.slice(-keep), timedOut });
    });
  });
}
