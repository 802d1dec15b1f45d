import { readFileSync, statSync } from 'node:fs';

/**
 * Parsed turn files kept in this process, so a policy turn parses only the turns it has not seen
 * (reading every earlier turn's file on each turn is quadratic in turns). Turn files are written
 * once and never changed (writeJsonOnce); an entry is used only while the path still names the
 * same file (inode, size and mtime), so files moved aside by a superseded attempt, a store
 * written by another worker, or a restart (an empty cache) all read from the store: the files
 * stay the truth. Bounded by the bytes of the files it holds, least recently used first out.
 */
interface Entry {
  ino: number;
  size: number;
  mtimeMs: number;
  value: unknown;
}

const DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024;

export class TurnFileCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly budgetBytes = DEFAULT_BUDGET_BYTES) {}

  /** The file's parsed JSON, or null when it does not exist. */
  readJsonIfExists<T>(file: string): T | null {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) {
      this.drop(file);
      return null;
    }
    const cached = this.entries.get(file);
    if (cached && cached.ino === stat.ino && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) {
      this.entries.delete(file);
      this.entries.set(file, cached);
      return cached.value as T;
    }
    const value = JSON.parse(readFileSync(file, 'utf8')) as T;
    this.drop(file);
    if (stat.size <= this.budgetBytes) {
      this.entries.set(file, { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, value });
      this.bytes += stat.size;
      this.evict();
    }
    return value;
  }

  readJson<T>(file: string): T {
    const value = this.readJsonIfExists<T>(file);
    if (value === null) throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
    return value;
  }

  get size(): { files: number; bytes: number } {
    return { files: this.entries.size, bytes: this.bytes };
  }

  private drop(file: string): void {
    const entry = this.entries.get(file);
    if (!entry) return;
    this.entries.delete(file);
    this.bytes -= entry.size;
  }

  private evict(): void {
    for (const [file, entry] of this.entries) {
      if (this.bytes <= this.budgetBytes) return;
      this.entries.delete(file);
      this.bytes -= entry.size;
    }
  }
}
