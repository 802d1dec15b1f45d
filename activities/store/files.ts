import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes JSON to `file` only if it does not exist yet, atomically (temp file + hard link, which
 * fails when the target exists). Returns what the file holds afterwards: a retried activity gets
 * the first write back, so a turn is never duplicated or replaced.
 */
export function writeJsonOnce<T>(file: string, value: T): T {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temp, JSON.stringify(value));
  try {
    linkSync(temp, file);
    return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readJson<T>(file);
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/** Writes text atomically (temp file + rename), replacing any previous content. */
export function writeTextAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function readJsonIfExists<T>(file: string): T | null {
  return existsSync(file) ? readJson<T>(file) : null;
}
