import { existsSync, readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type { ObservationRecord } from '../../core/agent/conversation';
import type { ShellState } from '../../core/agent/shellCommand';
import type { Task } from '../../core/tasks/taskSchema';
import { episodeFile, turnPath, type EpisodeRef } from '../store/episodeStore';
import { readJsonIfExists, writeJsonOnce, writeTextAtomic } from '../store/files';
import { readSubmission, runAgentCommand } from './agentSandbox';
import { gradePatch } from './grading';
import { withHeartbeat } from '../heartbeat';

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
}

/**
 * Runs the turn's command and stores the observation under (episode, turn). A command is not
 * idempotent (an edit applied twice corrupts the file), so a start marker is written first: a
 * retry that finds the marker but no observation cannot know the sandbox's state and reports the
 * sandbox lost, and the episode restarts in a fresh one.
 */
export async function sandboxTurn(input: SandboxTurnInput): Promise<SandboxTurnResult> {
  const stored = readJsonIfExists<ObservationRecord & { state: ShellState }>(turnPath(input, input.turn, 'observation'));
  if (stored) return { state: stored.state, exitCode: stored.exitCode, timedOut: stored.timedOut };
  const marker = turnPath(input, input.turn, 'started');
  if (existsSync(marker)) {
    throw ApplicationFailure.nonRetryable(
      `episode ${input.episodeKey} turn ${input.turn}: a previous attempt of this command was interrupted; the sandbox state is unknown`,
      'SandboxLost',
    );
  }
  writeJsonOnce(marker, { turn: input.turn, startedAt: new Date().toISOString() });
  const result = await withHeartbeat(() => runAgentCommand(input));
  const record = writeJsonOnce(turnPath(input, input.turn, 'observation'), {
    turn: input.turn,
    observation: result.observation,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    state: result.state,
  });
  return { state: record.state, exitCode: record.exitCode, timedOut: record.timedOut };
}

/** Stores the episode's patch (every change against the base commit) after `submit`. */
export async function storeSubmission(input: EpisodeRef & { sandboxId: string; baseHead: string }): Promise<{ patchBytes: number }> {
  const file = episodeFile(input, 'patch.diff');
  if (!existsSync(file)) {
    const { patch } = await readSubmission(input.sandboxId, input.baseHead);
    writeTextAtomic(file, patch);
  }
  return { patchBytes: readFileSync(file).length };
}

export interface GradeEpisodeInput extends EpisodeRef {
  task: Task;
  reposDir?: string;
  testTimeoutSeconds: number;
}

/** Grades the stored patch (empty when the episode never submitted) once; keeps the log. */
export async function gradeEpisode(input: GradeEpisodeInput): Promise<{ reward: 0 | 1; reason: string }> {
  const gradeFile = episodeFile(input, 'grade.json');
  const stored = readJsonIfExists<{ reward: 0 | 1; reason: string }>(gradeFile);
  if (stored) return { reward: stored.reward, reason: stored.reason };
  const patchFile = episodeFile(input, 'patch.diff');
  const patch = existsSync(patchFile) ? readFileSync(patchFile, 'utf8') : '';
  const result = await withHeartbeat(() => gradePatch({
    task: input.task,
    patch,
    reposDir: input.reposDir,
    gradeId: `${input.runId}-${input.episodeKey}`,
    runId: input.runId,
    testTimeoutSeconds: input.testTimeoutSeconds,
  }));
  writeTextAtomic(episodeFile(input, 'grading.log'), result.log);
  const { log: _log, ...summary } = result;
  const record = writeJsonOnce(gradeFile, summary);
  return { reward: record.reward, reason: record.reason };
}
