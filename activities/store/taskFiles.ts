import { readFileSync, statSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { formatTaskErrors, parseTaskFile } from '../../core/tasks/parseTaskFile';
import type { Task } from '../../core/tasks/taskSchema';

const cache = new Map<string, { mtimeKey: string; tasks: Map<string, Task> }>();

/** Loads and validates a task file; any bad record fails the caller with every problem named. */
function load(file: string): Map<string, Task> {
  let text: string;
  let key: string;
  try {
    const stat = statSync(file);
    key = `${stat.mtimeMs}:${stat.size}`;
    const hit = cache.get(file);
    if (hit && hit.mtimeKey === key) return hit.tasks;
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`cannot read task file ${file}: ${(err as Error).message}`, 'InvalidTaskFile');
  }
  const { tasks, errors } = parseTaskFile(text, file);
  if (errors.length) throw ApplicationFailure.nonRetryable(`bad task file ${file}:\n${formatTaskErrors(file, errors)}`, 'InvalidTaskFile');
  if (tasks.length === 0) throw ApplicationFailure.nonRetryable(`task file ${file} holds no tasks`, 'InvalidTaskFile');
  const byId = new Map(tasks.map((t) => [t.instance_id, t]));
  cache.set(file, { mtimeKey: key, tasks: byId });
  return byId;
}

/** The instance ids of a task file, in file order. */
export async function listTaskIds(input: { file: string }): Promise<string[]> {
  return [...load(input.file).keys()];
}

/** One task of a task file. */
export async function loadTask(input: { file: string; instanceId: string }): Promise<Task> {
  const task = load(input.file).get(input.instanceId);
  if (!task) throw ApplicationFailure.nonRetryable(`task ${input.instanceId} is not in ${input.file}`, 'InvalidTaskFile');
  return task;
}
