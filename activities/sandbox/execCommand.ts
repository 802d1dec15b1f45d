import { ApplicationFailure } from '@temporalio/common';
import type { ExecResult } from '../../core/sandboxSpec';
import { decodeOutput } from '../../core/textDecoding';
import { truncateMiddle } from '../../core/truncate';
import { docker, isDockerStatus } from './dockerClient';
import { DiskLimitExceeded, diskCheckIntervalMs, diskLimitFromLabels, startDiskWatchdog } from './diskLimit';
import { BoundedOutput, runExec } from './execStream';
import { DEFAULT_EXEC_USER, GIT_SAFE_DIRECTORY_ENV, activatedArgv, execContextFromLabels } from './execContext';

/** The exec user of sandboxes created without an exec context (the base image's agent). */
export const SANDBOX_USER = DEFAULT_EXEC_USER;

/** Exit codes of a command killed by a signal (SIGKILL, SIGTERM) or never reported. */
const KILLED_EXIT_CODES = new Set([137, 143, -1]);

/**
 * Whether the container still runs a moment after a command of it was killed: the engine reports
 * the exec's end before the container's own, so a stop is given up to two seconds to show.
 */
async function stillRunning(container: ReturnType<ReturnType<typeof docker>['getContainer']>): Promise<boolean> {
  for (let check = 0; check < 5; check++) {
    try {
      if (!(await container.inspect()).State.Running) return false;
    } catch (err) {
      if (isDockerStatus(err, 404)) return false;
      throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  return true;
}

export interface ExecOptions {
  timeoutSeconds: number;
  maxOutputBytes: number;
  /** Default: the sandbox's exec context (its labels), else /testbed. */
  workdir?: string;
  /** Default: the sandbox's exec user (its labels), else uid 1000. */
  user?: string;
  env?: string[];
  /** Run after the environment's activation, when the sandbox has one (default true). */
  activate?: boolean;
  /** How often the disk watchdog polls the writable layer; default `SWE_RL_DISK_CHECK_MS` or 1000. */
  diskCheckMs?: number;
}

/**
 * Runs argv in the container under `timeout --signal=KILL`, merging stdout and stderr, bounding
 * what is kept, decoding it as text and truncating it with a visible marker. The user, the working
 * directory and the environment's activation come from the sandbox's exec context (its labels,
 * read with the inspect this call makes anyway); git accepts /testbed whoever owns it. A sandbox labelled
 * with a disk limit is watched meanwhile: over it, the container is killed and this throws
 * {@link DiskLimitExceeded}.
 */
export async function execArgv(sandboxId: string, argv: string[], options: ExecOptions): Promise<ExecResult> {
  const container = docker().getContainer(sandboxId);
  const started = Date.now();
  let exec;
  let diskLimitMb: number | undefined;
  try {
    const labels = (await container.inspect()).Config.Labels;
    diskLimitMb = diskLimitFromLabels(labels);
    const context = execContextFromLabels(labels);
    const command = options.activate === false ? argv : activatedArgv(argv, context.activate);
    exec = await container.exec({
      Cmd: ['timeout', '--signal=KILL', String(options.timeoutSeconds), ...command],
      AttachStdout: true,
      AttachStderr: true,
      WorkingDir: options.workdir ?? context.workdir,
      User: options.user ?? context.user,
      Env: [...GIT_SAFE_DIRECTORY_ENV, ...(options.env ?? [])],
    });
  } catch (err) {
    if (isDockerStatus(err, 404) || isDockerStatus(err, 409)) {
      throw ApplicationFailure.nonRetryable(`sandbox ${sandboxId} is gone or stopped`, 'SandboxLost');
    }
    throw err;
  }
  const collected = new BoundedOutput(options.maxOutputBytes);
  const watchdog =
    diskLimitMb === undefined ? undefined : startDiskWatchdog(container, sandboxId, diskLimitMb, options.diskCheckMs ?? diskCheckIntervalMs());
  let guardFired: boolean;
  try {
    ({ guardFired } = await runExec(exec, docker().modem, collected, (options.timeoutSeconds + 10) * 1000));
  } catch (err) {
    const exceeded = await watchdog?.finish();
    throw exceeded ?? err;
  }
  const exceeded: DiskLimitExceeded | undefined = await watchdog?.finish();
  if (exceeded) throw exceeded;
  const info = await exec.inspect();
  // `timeout --signal=KILL` exits 137 when it had to kill the command.
  const exitCode = guardFired ? 137 : (info.ExitCode ?? -1);
  if (!guardFired && KILLED_EXIT_CODES.has(exitCode) && !(await stillRunning(container))) {
    // The engine stopped the container under the command (a restart, a shutdown): this is no
    // result of the command, and a grading must not record it as a failing test run.
    throw ApplicationFailure.retryable(`sandbox ${sandboxId} was stopped while the command ran (exit ${exitCode})`, 'SandboxStopped');
  }
  const { buffer, skipped } = collected.bytes();
  let text = decodeOutput(buffer);
  if (skipped > 0) {
    const half = Math.ceil(text.length / 2);
    text = `${text.slice(0, half)}\n<<< output truncated: ${skipped} bytes omitted >>>\n${text.slice(half)}`;
  }
  const limited = truncateMiddle(text, options.maxOutputBytes);
  return {
    exitCode,
    output: limited.text,
    truncated: skipped > 0 || limited.truncated,
    timedOut: guardFired || exitCode === 137,
    durationMs: Date.now() - started,
  };
}
