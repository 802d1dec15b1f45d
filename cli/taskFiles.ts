import { readFileSync } from 'node:fs';
import { formatTaskErrors, parseTaskFile, type TaskRecordError } from '../core/tasks/parseTaskFile';
import type { Task } from '../core/tasks/taskSchema';

/** Reads a task file; a missing or unreadable file is an error naming it. */
export function readTaskFile(file: string): { tasks: Task[]; errors: TaskRecordError[]; report: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read task file ${file}: ${(err as Error).message}`);
  }
  const { tasks, errors } = parseTaskFile(text, file);
  return { tasks, errors, report: formatTaskErrors(file, errors) };
}
