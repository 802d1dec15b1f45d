import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { gradePatch, type GradeResult } from '../../activities/sandbox/grading';
import { judgeTaskValidation, type TaskValidation } from '../../core/tasks/validationVerdict';
import type { Task } from '../../core/tasks/taskSchema';
import { readTaskFile } from '../taskFiles';
import { runWithConcurrency } from '../../core/runWithConcurrency';

/**
 * `swe-rl validate-tasks FILE [--repos DIR] [--runs N] [--out DIR] [--concurrency K]`: the gold
 * patch must pass, the empty patch must fail, and N runs must agree. Writes valid tasks and a
 * report; exits 1 when any task is invalid or flaky (or a record is malformed).
 */
export interface ValidateTasksOptions {
  file: string;
  repos?: string;
  runs?: number;
  out?: string;
  concurrency?: number;
  /** Comma-separated instance ids. */
  only?: string;
}

export async function validateTasksCommand(options: ValidateTasksOptions): Promise<number> {
  const { file } = options;
  const runs = options.runs ?? 1;
  const concurrency = options.concurrency ?? 2;
  const reposDir = options.repos ? path.resolve(options.repos) : undefined;
  const outDir = path.resolve(options.out ?? path.join('.data', 'validated', path.basename(file).replace(/\.jsonl?$/, '')));
  const loaded = readTaskFile(file);
  const { errors, report } = loaded;
  const only = options.only?.split(',').filter(Boolean);
  if (only) {
    const missing = only.filter((id) => !loaded.tasks.some((t) => t.instance_id === id));
    if (missing.length) throw new Error(`--only names tasks not in ${file}: ${missing.join(', ')}`);
  }
  const tasks = only ? loaded.tasks.filter((t) => only.includes(t.instance_id)) : loaded.tasks;
  if (errors.length) console.error(`${errors.length} malformed records:\n${report}`);

  const started = Date.now();
  let done = 0;
  const validations = await runWithConcurrency(tasks, concurrency, async (task) => {
    const validation = await validateTask(task, runs, reposDir);
    done++;
    console.error(`[${done}/${tasks.length}] ${task.instance_id}: ${validation.valid ? 'valid' : `INVALID: ${validation.problems.join('; ')}`}`);
    return validation;
  });

  mkdirSync(outDir, { recursive: true });
  const valid = tasks.filter((_, i) => validations[i].valid);
  writeFileSync(path.join(outDir, 'valid.jsonl'), valid.map((t) => JSON.stringify(t)).join('\n') + (valid.length ? '\n' : ''));
  const summary = {
    file,
    runs,
    total: tasks.length + errors.length,
    valid: valid.length,
    invalid: validations.filter((v) => !v.valid).length,
    flaky: validations.filter((v) => v.flaky).length,
    malformed: errors.length,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    tasks: validations,
    malformed_records: errors,
  };
  writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(summary, null, 2));
  console.log(
    `${summary.valid}/${summary.total} tasks valid (${summary.invalid} invalid, ${summary.flaky} flaky, ${summary.malformed} malformed) in ${summary.seconds}s; wrote ${outDir}/valid.jsonl and report.json`,
  );
  return summary.valid === summary.total ? 0 : 1;
}

async function validateTask(task: Task, runs: number, reposDir?: string): Promise<TaskValidation> {
  const grade = (patch: string, label: string): Promise<GradeResult> =>
    gradePatch({ task, patch, reposDir, gradeId: `validate-${task.instance_id}-${label}-${randomUUID().slice(0, 6)}`, runId: 'validate-tasks' });
  const gold: GradeResult[] = [];
  const empty: GradeResult[] = [];
  for (let i = 0; i < runs; i++) {
    gold.push(await grade(task.patch, `gold${i}`));
    empty.push(await grade('', `empty${i}`));
  }
  return judgeTaskValidation(task.instance_id, gold, empty);
}
