import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runDir } from '../../core/store/runPaths';

/** The newest checkpoint of a run (`checkpoints/step-NNNNNN`), or null when it has none yet. */
export async function latestCheckpoint(input: { runsDir: string; runId: string }): Promise<{ path: string; step: number } | null> {
  const dir = path.join(runDir(input.runsDir, input.runId), 'checkpoints');
  if (!existsSync(dir)) return null;
  const steps = readdirSync(dir)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  return steps.length ? { path: path.join(dir, `step-${String(steps[0]).padStart(6, '0')}`), step: steps[0] } : null;
}
