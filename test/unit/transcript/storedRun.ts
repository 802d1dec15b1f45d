import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ObservationRecord, PolicyTurnRecord } from '../../../core/agent/conversation';
import { parseAction } from '../../../core/agent/parseAction';
import { renderFormatErrorObservation } from '../../../core/agent/prompts';
import { finishEpisode, initEpisode, type EpisodeSummary } from '../../../activities/store/episodeActivities';
import { episodeFile, turnPath, type EpisodeRef } from '../../../activities/store/episodeStore';
import { writeJsonOnce, writeTextAtomic } from '../../../activities/store/files';
import { recordIterationMetrics } from '../../../activities/metrics/recordMetrics';
import type { StoredGrade } from '../../../core/transcript/transcriptModel';
import { iterationMetrics } from '../metrics/fixtures';

const STATE = { cwd: '/repo', openFile: null };

/** One turn as the policy and sandbox workers store it: the model's reply, and the command's output. */
export interface TurnScript {
  reply: string;
  observation?: string;
  exitCode?: number;
}

/**
 * Writes an episode into a run folder through the store's own functions (initEpisode, the turn
 * records as policyTurn and sandboxTurn write them, the grade, finishEpisode), so a test reads
 * the real format.
 */
export async function storeEpisode(
  ref: EpisodeRef,
  episode: { issue: string; turns: TurnScript[]; grade?: StoredGrade & { log: string }; patch?: string; summary?: Partial<EpisodeSummary>; sandboxId?: string },
): Promise<EpisodeSummary | null> {
  const sandboxId = episode.sandboxId ?? `sb-${ref.episodeKey.replace(/\//g, '-')}`;
  await initEpisode({ ...ref, problemStatement: episode.issue, commandTimeoutSeconds: 30, sandboxId, host: 'test-host' });
  for (const [i, t] of episode.turns.entries()) {
    const turn = i + 1;
    const action = parseAction(t.reply);
    writeJsonOnce<PolicyTurnRecord>(turnPath(ref, turn, 'policy'), {
      turn,
      content: t.reply,
      tokenIds: t.reply.split(' ').map((_, k) => k),
      logprobs: t.reply.split(' ').map(() => -0.5),
      promptTokens: 100 * turn,
      finishReason: 'stop',
      policyVersion: 3,
      policy: `${ref.runId}@step-000003`,
      action,
      sandboxId,
      ...(action.kind === 'format_error' ? { observation: renderFormatErrorObservation(action.message, STATE) } : {}),
    });
    if (action.kind === 'command' && t.observation !== undefined) {
      writeJsonOnce<ObservationRecord & { state: typeof STATE }>(turnPath(ref, turn, 'observation'), {
        turn, observation: t.observation, exitCode: t.exitCode ?? 0, timedOut: false, state: STATE, sandboxId, host: 'test-host',
      });
    }
  }
  if (episode.patch !== undefined) writeTextAtomic(episodeFile(ref, 'patch.diff'), episode.patch);
  if (episode.grade) {
    const { log, ...grade } = episode.grade;
    writeTextAtomic(episodeFile(ref, 'grading.log'), log);
    writeJsonOnce(episodeFile(ref, 'grade.json'), { ...grade, host: 'test-host' });
  }
  if (!episode.summary) return null;
  const [, instanceId, sample] = ref.episodeKey.split('/');
  return finishEpisode({
    ...ref,
    summary: {
      episodeKey: ref.episodeKey, instanceId, sample: Number(sample.slice(1)), attempt: 0, status: 'completed', endReason: 'submitted',
      testReward: episode.grade?.reward ?? 0, gradeReason: episode.grade?.reason ?? 'empty_patch', steps: episode.turns.length,
      formatErrors: episode.turns.filter((t) => parseAction(t.reply).kind === 'format_error').length,
      completionTokens: 42, policyVersion: 3, durationMs: 1234, ...episode.summary,
    },
  });
}

export function tempRunsDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'swe-rl-show-'));
}

export async function recordStage(runsDir: string, runId: string, iteration: number, stage: string): Promise<void> {
  await recordIterationMetrics({ runsDir, runId, metrics: iterationMetrics({ runId, iteration, stage }) });
}
