import path from 'node:path';
import { runDir } from '../../core/store/runPaths';
import type { TaskStats } from '../../core/rl/curriculum';
import type { EvaluationSummary } from '../../core/runStatus';
import { readJsonIfExists, writeTextAtomic } from './files';

function statsFile(runsDir: string, runId: string): string {
  return path.join(runDir(runsDir, runId), 'task_stats.json');
}

/** Adds one iteration's attempts to the per-task statistics (keyed by iteration: idempotent). */
export async function recordTaskStats(input: {
  runsDir: string;
  runId: string;
  iterationKey: string;
  outcomes: { instanceId: string; solved: boolean }[];
}): Promise<{ tasks: number }> {
  const file = statsFile(input.runsDir, input.runId);
  const state = readJsonIfExists<{ iterations: string[]; stats: Record<string, TaskStats> }>(file) ?? { iterations: [], stats: {} };
  if (!state.iterations.includes(input.iterationKey)) {
    for (const o of input.outcomes) {
      const s = (state.stats[o.instanceId] ??= { attempts: 0, solved: 0 });
      s.attempts++;
      if (o.solved) s.solved++;
    }
    state.iterations.push(input.iterationKey);
    writeTextAtomic(file, JSON.stringify(state, null, 1));
  }
  return { tasks: Object.keys(state.stats).length };
}

export async function readTaskStats(input: { runsDir: string; runId: string }): Promise<Record<string, TaskStats>> {
  return readJsonIfExists<{ stats: Record<string, TaskStats> }>(statsFile(input.runsDir, input.runId))?.stats ?? {};
}

/** Keeps an evaluation's summary in the run folder (evals/<label>.json). */
export async function recordEvaluation(input: { runsDir: string; runId: string; label: string; summary: EvaluationSummary & Record<string, unknown> }): Promise<string> {
  const file = path.join(runDir(input.runsDir, input.runId), 'evals', `${input.label}.json`);
  writeTextAtomic(file, JSON.stringify(input.summary, null, 2));
  return file;
}
