import { describeIssues } from '../validation';
import { taskSchema, type Task } from './taskSchema';

export interface TaskRecordError {
  /** 0-based position of the record in the file. */
  index: number;
  /** 1-based line for JSONL files. */
  line?: number;
  instanceId?: string;
  problems: string[];
}

export interface ParsedTaskFile {
  tasks: Task[];
  errors: TaskRecordError[];
}

/**
 * Parses a task file's text: a JSON array, a JSON object with a `tasks` array, a single JSON
 * object, or JSONL. Every bad record is reported (not only the first); good ones are kept.
 */
export function parseTaskFile(text: string, fileName: string): ParsedTaskFile {
  const records = splitRecords(text, fileName);
  const tasks: Task[] = [];
  const errors: TaskRecordError[] = [];
  const seen = new Map<string, number>();
  records.forEach((record, index) => {
    if ('error' in record) {
      errors.push({ index, line: record.line, problems: [record.error] });
      return;
    }
    const instanceId = typeof record.value?.instance_id === 'string' ? record.value.instance_id : undefined;
    const parsed = taskSchema.safeParse(record.value);
    if (!parsed.success) {
      errors.push({ index, line: record.line, instanceId, problems: describeIssues(parsed.error, 'task') });
      return;
    }
    const first = seen.get(parsed.data.instance_id);
    if (first !== undefined) {
      errors.push({ index, line: record.line, instanceId, problems: [`task.instance_id: duplicate of record ${first}`] });
      return;
    }
    seen.set(parsed.data.instance_id, index);
    tasks.push(parsed.data);
  });
  return { tasks, errors };
}

type RawRecord = { value: Record<string, unknown> | undefined; line?: number } | { error: string; line?: number };

function splitRecords(text: string, fileName: string): RawRecord[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (!fileName.endsWith('.jsonl')) {
    try {
      const whole = JSON.parse(trimmed) as unknown;
      const list = Array.isArray(whole)
        ? whole
        : isObject(whole) && Array.isArray(whole.tasks)
          ? whole.tasks
          : [whole];
      return list.map((value) => (isObject(value) ? { value } : { error: 'record is not a JSON object' }));
    } catch (err) {
      if (fileName.endsWith('.json')) return [{ error: `not valid JSON: ${(err as Error).message}` }];
      // fall through: maybe JSONL without the extension
    }
  }
  const records: RawRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    const lineText = raw.trim();
    if (lineText === '') return;
    try {
      const value = JSON.parse(lineText) as unknown;
      records.push(isObject(value) ? { value, line: i + 1 } : { error: 'record is not a JSON object', line: i + 1 });
    } catch (err) {
      records.push({ error: `not valid JSON: ${(err as Error).message}`, line: i + 1 });
    }
  });
  return records;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line per bad record: `record 3 (line 4, instance foo__bar-1): task.base_commit: ...`. */
export function formatTaskErrors(fileName: string, errors: TaskRecordError[]): string {
  return errors
    .map((e) => {
      const where = [e.line !== undefined ? `line ${e.line}` : undefined, e.instanceId ? `instance ${e.instanceId}` : undefined]
        .filter(Boolean)
        .join(', ');
      return `${fileName}: record ${e.index}${where ? ` (${where})` : ''}: ${e.problems.join('; ')}`;
    })
    .join('\n');
}
