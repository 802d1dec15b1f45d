// The limit the iteration is measured against: the same sandbox work done by a plain loop that
// calls the activity functions directly in one process, at the same concurrency.
import { INITIAL_SHELL_STATE, readSubmission, runAgentCommand, setupEpisodeSandbox } from '../../activities/sandbox/agentSandbox';
import { gradePatch } from '../../activities/sandbox/grading';
import { destroySandbox } from '../../activities/sandbox/sandboxActivities';
import type { Task } from '../../core/tasks/taskSchema';

export interface PlainEpisode {
  key: string;
  task: Task;
  /** The commands the episode ran, in order; `submitted` when it ended with submit. */
  commands: string[];
  submitted: boolean;
}

export interface PlainLoopResult {
  seconds: number;
  rewards: Map<string, number>;
  failed: number;
}

export async function runPlainLoop(
  episodes: PlainEpisode[],
  options: { concurrency: number; reposDir: string; runId: string; commandTimeoutSeconds: number; maxObservationChars: number; testTimeoutSeconds: number },
): Promise<PlainLoopResult> {
  const rewards = new Map<string, number>();
  let failed = 0;
  let next = 0;
  const started = Date.now();
  const one = async (episode: PlainEpisode, index: number) => {
    const sandboxId = `bench-plain-${options.runId}-${index}`;
    try {
      const placed = await setupEpisodeSandbox({ sandboxId, task: episode.task, reposDir: options.reposDir, runId: options.runId, episodeId: sandboxId });
      let state = INITIAL_SHELL_STATE;
      for (const command of episode.commands) {
        state = (await runAgentCommand({ sandboxId, command, state, timeoutSeconds: options.commandTimeoutSeconds, maxObservationChars: options.maxObservationChars })).state;
      }
      const patch = episode.submitted ? (await readSubmission(sandboxId, placed.baseHead)).patch : '';
      await destroySandbox(sandboxId);
      const grade = await gradePatch({ task: episode.task, patch, reposDir: options.reposDir, gradeId: `${sandboxId}-grade`, runId: options.runId, testTimeoutSeconds: options.testTimeoutSeconds });
      rewards.set(episode.key, grade.reward);
    } catch (err) {
      failed++;
      console.error(`plain loop: ${episode.key} failed: ${(err as Error).message}`);
      await destroySandbox(sandboxId).catch(() => undefined);
    }
  };
  const lanes = Array.from({ length: Math.min(options.concurrency, episodes.length) }, async () => {
    while (next < episodes.length) {
      const index = next++;
      await one(episodes[index], index);
    }
  });
  await Promise.all(lanes);
  return { seconds: (Date.now() - started) / 1000, rewards, failed };
}
