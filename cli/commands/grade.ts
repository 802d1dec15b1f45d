import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { gradePatch } from '../../activities/sandbox/grading';
import { readTaskFile } from '../taskFiles';

export interface GradeOptions {
  task: string;
  patch: string;
  repos?: string;
  instance?: string;
  logDir?: string;
}

/** `swe-rl grade --task FILE --patch FILE [--repos DIR] [--instance ID] [--log-dir DIR]`: one JSON object. */
export async function gradeCommand(options: GradeOptions): Promise<number> {
  const { task: taskFile, patch: patchFile, instance } = options;
  const { tasks, errors, report } = await readTaskFile(taskFile);
  if (errors.length) throw new Error(`bad task file:\n${report}`);
  const task = instance ? tasks.find((t) => t.instance_id === instance) : tasks[0];
  if (!task) throw new Error(instance ? `no task ${instance} in ${taskFile}` : `no task in ${taskFile}`);
  if (!instance && tasks.length > 1) throw new Error(`${taskFile} holds ${tasks.length} tasks; choose one with --instance ID`);
  let patch: string;
  try {
    patch = readFileSync(patchFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read patch file ${patchFile}: ${(err as Error).message}`);
  }
  const reposDir = options.repos;
  const result = await gradePatch({
    task,
    patch,
    reposDir: reposDir ? path.resolve(reposDir) : undefined,
    gradeId: `${task.instance_id}-${randomUUID().slice(0, 8)}`,
  });
  const logDir = path.resolve(options.logDir ?? '.data/grading');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${task.instance_id}-${Date.now()}.log`);
  writeFileSync(logFile, result.log);
  const { log: _log, ...summary } = result;
  console.log(JSON.stringify({ ...summary, log_file: logFile }, null, 2));
  return 0;
}
