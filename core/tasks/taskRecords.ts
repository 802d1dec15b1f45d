import { describeIssues } from '../validation';
import { toPlainValue } from './plainValue';
import { taskSchema, type Task } from './taskSchema';

export interface TaskRecordError {
  /** 0-based position of the record in the set. */
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
 * Checks a task set's records one at a time, in order, whatever format they were read from:
 * every bad record is kept as an error naming its index and field, good ones as tasks, and a
 * repeated instance id is an error naming the first record that had it.
 */
export class TaskRecordCollector {
  private readonly tasks: Task[] = [];
  private readonly errors: TaskRecordError[] = [];
  private readonly seen = new Map<string, number>();
  private next = 0;

  /** The number of records seen so far, good and bad. */
  get count(): number {
    return this.next;
  }

  /** One record as read (a JSON value, a Parquet row, an Arrow row). */
  add(raw: unknown, where: { line?: number } = {}): void {
    const index = this.next++;
    const value = toPlainValue(raw);
    if (!isObject(value)) {
      this.errors.push({ index, line: where.line, problems: ['record is not an object'] });
      return;
    }
    const instanceId = typeof value.instance_id === 'string' ? value.instance_id : undefined;
    const parsed = taskSchema.safeParse(value);
    if (!parsed.success) {
      this.errors.push({ index, line: where.line, instanceId, problems: describeIssues(parsed.error, 'task') });
      return;
    }
    const first = this.seen.get(parsed.data.instance_id);
    if (first !== undefined) {
      this.errors.push({ index, line: where.line, instanceId, problems: [`task.instance_id: duplicate of record ${first}`] });
      return;
    }
    this.seen.set(parsed.data.instance_id, index);
    this.tasks.push(parsed.data);
  }

  /** A record that could not be read at all (for example a JSONL line that is not JSON). */
  addUnreadable(problem: string, where: { line?: number } = {}): void {
    this.errors.push({ index: this.next++, line: where.line, problems: [problem] });
  }

  result(): ParsedTaskFile {
    return { tasks: [...this.tasks], errors: [...this.errors] };
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
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
