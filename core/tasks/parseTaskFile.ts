import { isObject, TaskRecordCollector, type ParsedTaskFile } from './taskRecords';

export { formatTaskErrors, type ParsedTaskFile, type TaskRecordError } from './taskRecords';

/**
 * Parses a task file's text: a JSON array, a JSON object with a `tasks` array, a single JSON
 * object, or JSONL. Every bad record is reported (not only the first); good ones are kept.
 */
export function parseTaskFile(text: string, fileName: string): ParsedTaskFile {
  const collector = new TaskRecordCollector();
  if (text.trim() === '') return collector.result();
  if (!fileName.endsWith('.jsonl')) {
    let whole: unknown;
    let parsed = false;
    try {
      whole = JSON.parse(text);
      parsed = true;
    } catch (err) {
      if (fileName.endsWith('.json')) {
        collector.addUnreadable(`not valid JSON: ${(err as Error).message}`);
        return collector.result();
      }
      // fall through: maybe JSONL without the extension
    }
    if (parsed) {
      for (const record of jsonRecords(whole)) collector.add(record);
      return collector.result();
    }
  }
  text.split('\n').forEach((raw, i) => addJsonLine(collector, raw, i + 1));
  return collector.result();
}

/** The records of a whole JSON document: an array, `{ tasks: [...] }`, or one object. */
export function jsonRecords(whole: unknown): unknown[] {
  if (Array.isArray(whole)) return whole;
  if (isObject(whole) && Array.isArray(whole.tasks)) return whole.tasks;
  return [whole];
}

/** One JSONL line; blank lines are skipped, not counted. */
export function addJsonLine(collector: TaskRecordCollector, raw: string, line: number): void {
  const lineText = raw.trim();
  if (lineText === '') return;
  let value: unknown;
  try {
    value = JSON.parse(lineText);
  } catch (err) {
    collector.addUnreadable(`not valid JSON: ${(err as Error).message}`, { line });
    return;
  }
  collector.add(value, { line });
}
