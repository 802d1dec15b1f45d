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
  const outDir = path.resolve(options.out ?? path.join('.data', 'validated', taskSetName(file)));
  const loaded = await readTaskFile(file);
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
    const timing = validation.gradingSecondsMedian !== undefined ? ` (${validation.runner ?? 'no test run'}, grading ${validation.gradingSecondsMedian}s median)` : '';
    console.error(`[${done}/${tasks.length}] ${task.instance_id}: ${validation.valid ? 'valid' : `INVALID: ${validation.problems.join('; ')}`}${timing}`);
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

/** `tasks` for tasks.jsonl, tasks.parquet or tasks.json.gz; `swe-rebench-test` for swe-rebench#test. */
function taskSetName(file: string): string {
  const [where, split] = file.split(/#(?=[^#/\\]*$)/);
  const base = path.basename(path.resolve(where)).replace(/\.(jsonl?(\.gz)?|parquet)$/i, '');
  return split ? `${base}-${split}` : base;
}

type TimedValidation = TaskValidation & Partial<ReturnType<typeof timings>>;

async function validateTask(task: Task, runs: number, reposDir?: string): Promise<TimedValidation> {
  const grade = (patch: string, label: string): Promise<GradeResult> =>
    gradePatch({ task, patch, reposDir, gradeId: `validate-${task.instance_id}-${label}-${randomUUID().slice(0, 6)}`, runId: 'validate-tasks' });
  const gold: GradeResult[] = [];
  const empty: GradeResult[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      gold.push(await grade(task.patch, `gold${i}`));
      empty.push(await grade('', `empty${i}`));
    }
  } catch (err) {
    // One task that cannot be graded at all (its environment is unavailable, its repository is
    // missing) is invalid; the others are still validated.
    return { instance_id: task.instance_id, valid: false, flaky: false, problems: [`cannot be graded: ${(err as Error).message}`] };
  }
  return { ...judgeTaskValidation(task.instance_id, gold, empty), ...timings([...gold, ...empty]) };
}

/** The runner and the median grading and test-run times of a task's gradings, for the report. */
function timings(grades: GradeResult[]): { runner?: string; gradingSecondsMedian: number; testRunSecondsMedian?: number } {
  const seconds = (ms: number[]) => (ms.length ? Math.round(median(ms) / 100) / 10 : undefined);
  return {
    runner: grades.find((g) => g.runner)?.runner,
    gradingSecondsMedian: seconds(grades.map((g) => g.duration_ms)) ?? 0,
    testRunSecondsMedian: seconds(grades.flatMap((g) => (g.test_run_ms === undefined ? [] : [g.test_run_ms]))),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
