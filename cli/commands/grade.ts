import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { gradePatch } from '../../activities/sandbox/grading';
import { stringFlag, type ParsedArgs } from '../args';
import { readTaskFile } from '../taskFiles';

/** `swe-rl grade --task FILE --patch FILE [--repos DIR] [--instance ID]`: one JSON object. */
export async function gradeCommand(args: ParsedArgs): Promise<number> {
  const taskFile = required(args, 'task');
  const patchFile = required(args, 'patch');
  const { tasks, errors, report } = readTaskFile(taskFile);
  if (errors.length) throw new Error(`bad task file:\n${report}`);
  const instance = stringFlag(args, 'instance');
  const task = instance ? tasks.find((t) => t.instance_id === instance) : tasks[0];
  if (!task) throw new Error(instance ? `no task ${instance} in ${taskFile}` : `no task in ${taskFile}`);
  if (!instance && tasks.length > 1) throw new Error(`${taskFile} holds ${tasks.length} tasks; choose one with --instance ID`);
  let patch: string;
  try {
    patch = readFileSync(patchFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read patch file ${patchFile}: ${(err as Error).message}`);
  }
  const reposDir = stringFlag(args, 'repos');
  const result = await gradePatch({
    task,
    patch,
    reposDir: reposDir ? path.resolve(reposDir) : undefined,
    gradeId: `${task.instance_id}-${randomUUID().slice(0, 8)}`,
  });
  const logDir = path.resolve(stringFlag(args, 'log-dir') ?? '.data/grading');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${task.instance_id}-${Date.now()}.log`);
  writeFileSync(logFile, result.log);
  const { log: _log, ...summary } = result;
  console.log(JSON.stringify({ ...summary, log_file: logFile }, null, 2));
  return 0;
}

export function required(args: ParsedArgs, name: string): string {
  const value = stringFlag(args, name);
  if (!value) throw new Error(`missing --${name}`);
  return value;
}
