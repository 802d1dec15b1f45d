import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildCommandScript, nextShellState, parseCommandOutput, type ShellState } from '../../core/agent/shellCommand';
import { buildPatchScript } from '../../core/agent/patchScript';
import { renderObservation } from '../../core/agent/prompts';
import { installToolsScript, turnMarkerPath } from '../../core/agent/toolsInstall';
import type { SandboxLimits } from '../../core/sandboxSpec';
import type { Task } from '../../core/tasks/taskSchema';
import { uidOf, type EnvironmentTask } from '../../core/environment/resolveEnvironment';
import { environmentForTask } from './environmentImages';
import { execContextOf } from './execContext';
import { execArgv } from './execCommand';
import { prepareRepository } from './repository';
import { createSandbox, destroySandbox } from './sandboxActivities';
import type { SandboxPlacement } from './sandboxHost';
import { withHeartbeat } from '../heartbeat';
import { taskOf } from '../store/stagedTasks';
import type { StagedTask } from '../../core/tasks/stagedTask';

export const INITIAL_SHELL_STATE: ShellState = { cwd: '/testbed', openFile: null };

let toolProgram: string | undefined;
function toolProgramSource(): string {
  // Shipped beside this file: `npm run build` copies tools/ into dist.
  toolProgram ??= readFileSync(path.join(__dirname, 'tools', 'swe_rl_tools.py'), 'utf8');
  return toolProgram;
}

type SandboxTask = Pick<Task, 'instance_id' | 'repo' | 'base_commit' | 'image'> & EnvironmentTask;

export interface EpisodeSandboxInput {
  sandboxId: string;
  /** The task by value (histories from before staged tasks, the plain loop) or by reference. */
  task?: SandboxTask;
  taskRef?: StagedTask;
  reposDir?: string;
  /** Replaces the base image (a run config's sandbox.image). */
  image?: string;
  limits?: Partial<SandboxLimits>;
  runId: string;
  episodeId: string;
}

/**
 * An episode's sandbox, ready for the agent: a hardened container from the instance's environment
 * image (built or pulled once per environment, cached after) holding one of this host's slots, the
 * repository at base_commit in /testbed, and the agent's tools in /opt/swe-rl. Runs on
 * the shared sandbox queue, so any host with a free slot takes it; returns where the sandbox lives,
 * and every later call of it goes to that host's own queue. Idempotent on one host (a retry there
 * reuses the container); a setup that fails removes its container, so nothing is left behind.
 */
export async function setupEpisodeSandbox(input: EpisodeSandboxInput): Promise<{ sandboxId: string; baseHead: string } & SandboxPlacement> {
  return withHeartbeat(async () => {
    const task: SandboxTask = taskOf(input, 'setupEpisodeSandbox');
    const environment = await environmentForTask(task, { reposDir: input.reposDir, ...(input.image ? { baseImage: input.image } : {}) });
    const created = await createSandbox({
      sandboxId: input.sandboxId,
      image: environment.image,
      runId: input.runId,
      episodeId: input.episodeId,
      kind: 'episode',
      limits: { memoryMb: 2048, cpus: 1, pids: 256, network: false, ...input.limits },
      exec: execContextOf(environment),
    });
    try {
      // On a retry after a partial setup the repository may already be there; keep it as it is.
      const existing = created.created ? null : await headOf(input.sandboxId);
      const baseHead =
        existing ??
        (await prepareRepository(input.sandboxId, task, input.reposDir, { repoInImage: environment.repoInImage, image: environment.image, uid: uidOf(environment.user) }))
          .head;
      // The tools go to root-owned /opt as root, whatever the environment's user.
      const install = await execArgv(input.sandboxId, ['bash', '-c', installToolsScript(toolProgramSource())], {
        timeoutSeconds: 60,
        maxOutputBytes: 8000,
        user: '0',
        activate: false,
      });
      if (install.exitCode !== 0) throw new Error(`installing the agent tools in ${input.sandboxId} failed: ${install.output}`);
      return { sandboxId: input.sandboxId, baseHead, host: created.host, taskQueue: created.taskQueue };
    } catch (err) {
      await destroySandbox(input.sandboxId).catch(() => undefined);
      throw err;
    }
  });
}

async function headOf(sandboxId: string): Promise<string | null> {
  const result = await execArgv(sandboxId, ['bash', '-c', 'git -C /testbed rev-parse HEAD'], { timeoutSeconds: 30, maxOutputBytes: 1000 });
  return result.exitCode === 0 ? result.output.trim() : null;
}

export interface AgentCommandInput {
  sandboxId: string;
  /** When given, the command first writes this turn's start marker (see turnStarted). */
  turn?: number;
  command: string;
  state: ShellState;
  timeoutSeconds: number;
  maxObservationChars: number;
}

export interface AgentCommandResult {
  observation: string;
  state: ShellState;
  exitCode: number | null;
  timedOut: boolean;
  truncated: boolean;
  durationMs: number;
}

/** Runs one agent command in the sandbox and renders the observation with its prompt line. */
export async function runAgentCommand(input: AgentCommandInput): Promise<AgentCommandResult> {
  const startMarker = input.turn === undefined ? undefined : turnMarkerPath(input.turn);
  const result = await execArgv(input.sandboxId, ['bash', '-c', buildCommandScript(input.command, input.state.cwd, { startMarker })], {
    timeoutSeconds: input.timeoutSeconds,
    maxOutputBytes: input.maxObservationChars,
  });
  const parsed = parseCommandOutput(result.output);
  const state = nextShellState(input.state, parsed.report);
  const exitCode = result.timedOut ? null : (parsed.report?.exitCode ?? result.exitCode);
  return {
    observation: renderObservation({
      output: parsed.output,
      exitCode,
      truncated: result.truncated,
      timedOut: result.timedOut,
      timeoutSeconds: input.timeoutSeconds,
      state,
    }),
    state,
    exitCode,
    timedOut: result.timedOut,
    truncated: result.truncated,
    durationMs: result.durationMs,
  };
}

/** The episode's patch after `submit`: every change against the base commit, new files included. */
export async function readSubmission(sandboxId: string, baseCommit: string): Promise<{ patch: string; truncated: boolean }> {
  const result = await execArgv(sandboxId, ['bash', '-c', buildPatchScript({ baseCommit })], { timeoutSeconds: 60, maxOutputBytes: 5_000_000 });
  if (result.exitCode !== 0) throw new Error(`reading the patch in sandbox ${sandboxId} failed: ${result.output.slice(0, 500)}`);
  return { patch: result.output, truncated: result.truncated };
}

/** Whether the command of `turn` ever started in the sandbox (its start marker exists). */
export async function turnStarted(sandboxId: string, turn: number): Promise<boolean> {
  const marker = turnMarkerPath(turn);
  const result = await execArgv(sandboxId, ['bash', '-c', `test -e ${marker} && echo started || echo not-started`], { timeoutSeconds: 30, maxOutputBytes: 1000 });
  if (result.exitCode !== 0) throw new Error(`checking ${marker} in ${sandboxId} failed: ${result.output}`);
  return result.output.trim() === 'started';
}
