import { readTaskSource } from '../activities/store/taskSource';
import { formatTaskErrors, type TaskRecordError } from '../core/tasks/taskRecords';
import type { Task } from '../core/tasks/taskSchema';

/**
 * Reads a task set in any format readTaskSource knows (JSON, JSONL, Parquet, a saved `datasets`
 * folder, `FOLDER#SPLIT`). A set that cannot be read throws an error naming it; bad records come
 * back in `errors` and `report`, the good ones in `tasks`.
 */
export async function readTaskFile(file: string): Promise<{ tasks: Task[]; errors: TaskRecordError[]; report: string }> {
  const { tasks, errors } = await readTaskSource(file);
  return { tasks, errors, report: formatTaskErrors(file, errors) };
}
