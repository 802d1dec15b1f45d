import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { StagedTask } from '../../core/tasks/stagedTask';
import type { Task } from '../../core/tasks/taskSchema';
import { runDir } from '../../core/store/runPaths';
import { writeTextAtomic } from './files';
import { loadTask } from './taskFiles';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Where a task's record is staged in its run: named by content, so a changed record gets a new file. */
export function stagedTaskFile(runsDir: string, runId: string, instanceId: string, digest: string): string {
  return path.join(runDir(runsDir, runId), 'tasks', `${instanceId}.${digest.slice(0, 16)}.json`);
}

/**
 * Writes one task of a task set into the run folder (once; a retry or another group of the same
 * task finds it there) and returns the reference episodes carry instead of the record.
 */
export async function stageTask(input: { file: string; instanceId: string; runsDir: string; runId: string }): Promise<StagedTask> {
  const text = JSON.stringify(await loadTask({ file: input.file, instanceId: input.instanceId }));
  const digest = sha256(text);
  const file = stagedTaskFile(input.runsDir, input.runId, input.instanceId, digest);
  if (!existsSync(file) || sha256(readFileSync(file, 'utf8')) !== digest) writeTextAtomic(file, text);
  return { file, instanceId: input.instanceId, sha256: digest };
}

/** Staged records this process has read, by file (a few hundred; each read is checked against its digest once). */
const cache = new Map<string, Task>();
const CACHE_ENTRIES = 512;

/**
 * The record a reference names. A missing file is retryable (the store may be back in a moment);
 * a file whose content does not match the digest, or another task's record, is not.
 */
export function readStagedTask(ref: StagedTask): Task {
  const key = `${ref.file}\0${ref.sha256}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!existsSync(ref.file)) throw new Error(`staged task ${ref.instanceId} is missing from the store: ${ref.file}`);
  const text = readFileSync(ref.file, 'utf8');
  if (sha256(text) !== ref.sha256) {
    throw ApplicationFailure.nonRetryable(`staged task ${ref.file} does not match its sha256 ${ref.sha256}`, 'InvalidInput');
  }
  // Written by stageTask from a validated record, and checked against its digest above.
  const task = JSON.parse(text) as Task;
  if (task.instance_id !== ref.instanceId) {
    throw ApplicationFailure.nonRetryable(`staged task ${ref.file} holds ${task.instance_id}, not ${ref.instanceId}`, 'InvalidInput');
  }
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, task);
  return task;
}

/** An activity's task: given by value (histories from before staged tasks) or by reference. */
export function taskOf<T extends object = Task>(input: { task?: T; taskRef?: StagedTask }, what: string): T | Task {
  if (input.task) return input.task;
  if (input.taskRef) return readStagedTask(input.taskRef);
  throw ApplicationFailure.nonRetryable(`${what}: neither task nor taskRef given`, 'InvalidInput');
}
