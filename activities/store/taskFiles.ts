import { ApplicationFailure } from '@temporalio/common';
import { formatTaskErrors } from '../../core/tasks/taskRecords';
import type { Task } from '../../core/tasks/taskSchema';
import { readTaskSource, taskSourceFingerprint, TaskSourceError } from './taskSource';

const cache = new Map<string, { key: string; tasks: Map<string, Task> }>();

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'InvalidTaskFile');
}

/**
 * Loads and validates a task set (JSON, JSONL, Parquet, a saved `datasets` folder or
 * `FOLDER#SPLIT`); any bad record fails the caller with every problem named. Cached per source
 * until its files change (size and mtime; a saved folder by its state.json and data files).
 */
async function load(file: string): Promise<Map<string, Task>> {
  let key: string;
  let parsed: Awaited<ReturnType<typeof readTaskSource>>;
  try {
    key = taskSourceFingerprint(file);
    const hit = cache.get(file);
    if (hit && hit.key === key) return hit.tasks;
    parsed = await readTaskSource(file);
  } catch (err) {
    throw invalid(err instanceof TaskSourceError ? err.message : `cannot read task file ${file}: ${(err as Error).message}`);
  }
  const { tasks, errors } = parsed;
  if (errors.length) throw invalid(`bad task file ${file}:\n${formatTaskErrors(file, errors)}`);
  if (tasks.length === 0) throw invalid(`task file ${file} holds no tasks`);
  const byId = new Map(tasks.map((t) => [t.instance_id, t]));
  cache.set(file, { key, tasks: byId });
  return byId;
}

/** The instance ids of a task set, in record order. */
export async function listTaskIds(input: { file: string }): Promise<string[]> {
  return [...(await load(input.file)).keys()];
}

/** One task of a task set. */
export async function loadTask(input: { file: string; instanceId: string }): Promise<Task> {
  const task = (await load(input.file)).get(input.instanceId);
  if (!task) throw invalid(`task ${input.instanceId} is not in ${input.file}`);
  return task;
}
