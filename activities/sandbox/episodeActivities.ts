import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type { ObservationRecord } from '../../core/agent/conversation';
import type { ShellState } from '../../core/agent/shellCommand';
import type { Task } from '../../core/tasks/taskSchema';
import { assertEpisodeSandbox } from '../store/episodeSandbox';
import { episodeFile, turnPath, type EpisodeRef } from '../store/episodeStore';
import { readJsonIfExists, writeJsonOnce, writeTextAtomic } from '../store/files';
import { readSubmission, runAgentCommand, turnStarted } from './agentSandbox';
import { DiskLimitExceeded } from './diskLimit';
import { docker, isDockerStatus } from './dockerClient';
import { gradePatch } from './grading';
import { sandboxHostName } from './sandboxHost';
import { withHeartbeat } from '../heartbeat';
import { taskOf } from '../store/stagedTasks';
import type { StagedTask } from '../../core/tasks/stagedTask';

export interface SandboxTurnInput extends EpisodeRef {
  turn: number;
  sandboxId: string;
  command: string;
  state: ShellState;
  timeoutSeconds: number;
  maxObservationChars: number;
}

export interface SandboxTurnResult {
  state: ShellState;
  exitCode: number | null;
  timedOut: boolean;
  /** The sandbox was stopped by a limit during this command: the episode ends here. */
  stopped?: 'disk_limit';
}

type StoredObservation = ObservationRecord & { state: ShellState };

/**
 * Runs the turn's command and stores the observation under (episode, turn). A command is not
 * idempotent (an edit applied twice corrupts the file), so each attempt is guarded twice: a start
 * marker in the store, and one the command script writes in the sandbox before anything else. A
 * retry that finds the store's marker asks the sandbox: no marker there proves the command never
 * started (a Docker API error, a worker stopped before the exec), so it runs now; a marker there
 * means it may have run, so the sandbox state is unknown and the sandbox is reported lost.
 */
export async function sandboxTurn(input: SandboxTurnInput): Promise<SandboxTurnResult> {
  assertEpisodeSandbox(input, input.sandboxId);
  const stored = readJsonIfExists<StoredObservation>(turnPath(input, input.turn, 'observation'));
  if (stored) {
    if (stored.sandboxId && stored.sandboxId !== input.sandboxId) {
      throw ApplicationFailure.nonRetryable(`episode ${input.episodeKey} turn ${input.turn} was observed in sandbox ${stored.sandboxId}, not ${input.sandboxId}`, 'StoreMismatch');
    }
    return resultOf(stored);
  }
  return withHeartbeat(async () => {
    await ensureRunning(input.sandboxId);
    const marker = turnPath(input, input.turn, 'started');
    if (existsSync(marker) && (await turnStarted(input.sandboxId, input.turn))) {
      throw ApplicationFailure.nonRetryable(
        `episode ${input.episodeKey} turn ${input.turn}: a previous attempt of this command started and was interrupted; the sandbox state is unknown`,
        'SandboxLost',
      );
    }
    rmSync(marker, { force: true });
    writeJsonOnce(marker, { turn: input.turn, sandboxId: input.sandboxId, host: sandboxHostName(), startedAt: new Date().toISOString() });
    let record: StoredObservation;
    try {
      const result = await runAgentCommand(input);
      record = { turn: input.turn, observation: result.observation, exitCode: result.exitCode, timedOut: result.timedOut, state: result.state, sandboxId: input.sandboxId, host: sandboxHostName() };
    } catch (err) {
      if (!(err instanceof DiskLimitExceeded)) throw err;
      record = {
        turn: input.turn,
        observation: `The sandbox was stopped: ${err.message}. The episode ends here.`,
        exitCode: null,
        timedOut: false,
        state: input.state,
        sandboxId: input.sandboxId,
        host: sandboxHostName(),
        stopped: 'disk_limit',
      };
    }
    return resultOf(writeJsonOnce(turnPath(input, input.turn, 'observation'), record));
  });
}

function resultOf(record: StoredObservation): SandboxTurnResult {
  return { state: record.state, exitCode: record.exitCode, timedOut: record.timedOut, ...(record.stopped ? { stopped: record.stopped } : {}) };
}

/**
 * A sandbox whose engine restarted is stopped, with its file system intact: start it again. A
 * missing container is lost.
 */
async function ensureRunning(sandboxId: string): Promise<void> {
  const container = docker().getContainer(sandboxId);
  try {
    const state = (await container.inspect()).State;
    if (!state.Running) await container.start();
  } catch (err) {
    if (isDockerStatus(err, 404)) throw ApplicationFailure.nonRetryable(`sandbox ${sandboxId} is gone from host ${sandboxHostName()}`, 'SandboxLost');
    if (isDockerStatus(err, 304)) return; // started meanwhile
    throw err;
  }
}

/** Stores the episode's patch (every change against the base commit) after `submit`. */
export async function storeSubmission(input: EpisodeRef & { sandboxId: string; baseHead: string }): Promise<{ patchBytes: number }> {
  assertEpisodeSandbox(input, input.sandboxId);
  const file = episodeFile(input, 'patch.diff');
  if (!existsSync(file)) {
    await ensureRunning(input.sandboxId);
    const { patch } = await withHeartbeat(() => readSubmission(input.sandboxId, input.baseHead));
    writeTextAtomic(file, patch);
  }
  return { patchBytes: readFileSync(file).length };
}

export interface GradeEpisodeInput extends EpisodeRef {
  /** The task by value (histories from before staged tasks) or by reference. */
  task?: Task;
  taskRef?: StagedTask;
  reposDir?: string;
  testTimeoutSeconds: number;
}

/**
 * Grades the stored patch (empty when the episode never submitted) once, in a fresh container on
 * whichever host takes it; keeps the log.
 */
export async function gradeEpisode(input: GradeEpisodeInput): Promise<{ reward: 0 | 1; reason: string }> {
  const gradeFile = episodeFile(input, 'grade.json');
  const stored = readJsonIfExists<{ reward: 0 | 1; reason: string }>(gradeFile);
  if (stored) return { reward: stored.reward, reason: stored.reason };
  const patchFile = episodeFile(input, 'patch.diff');
  const patch = existsSync(patchFile) ? readFileSync(patchFile, 'utf8') : '';
  const task = taskOf(input, 'gradeEpisode');
  const result = await withHeartbeat(() => gradePatch({
    task,
    patch,
    reposDir: input.reposDir,
    gradeId: `${input.runId}-${input.episodeKey}`,
    runId: input.runId,
    testTimeoutSeconds: input.testTimeoutSeconds,
  }));
  writeTextAtomic(episodeFile(input, 'grading.log'), result.log);
  const { log: _log, ...summary } = result;
  const record = writeJsonOnce(gradeFile, { ...summary, host: sandboxHostName() });
  return { reward: record.reward, reason: record.reason };
}
