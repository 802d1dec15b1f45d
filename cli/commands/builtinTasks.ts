import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DEFAULT_BUILTIN_DIR = path.join(ROOT, '.data', 'builtin-tasks');

/** Generates the built-in suite (reproducible: same seed, same repositories and commits). */
export function generateBuiltinTasks(outDir: string, seed = 0): void {
  const result = spawnSync('python3', [path.join(ROOT, 'tasks', 'builtin', 'generate.py'), '--out', outDir, '--seed', String(seed), '--force'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`generating the built-in tasks into ${outDir} failed (exit ${result.status})`);
}

/** `swe-rl builtin-tasks [--out DIR] [--seed N]`. */
export async function builtinTasksCommand(options: { out?: string; seed?: number }): Promise<number> {
  const outDir = path.resolve(options.out ?? DEFAULT_BUILTIN_DIR);
  generateBuiltinTasks(outDir, options.seed ?? 0);
  for (const f of ['train.jsonl', 'eval.jsonl']) if (!existsSync(path.join(outDir, f))) throw new Error(`generator wrote no ${f}`);
  console.log(`built-in tasks in ${outDir}: train.jsonl, eval.jsonl, repos/ (use --repos ${path.join(outDir, 'repos')})`);
  return 0;
}
