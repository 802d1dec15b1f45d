import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a file line by line into a temporary file and renames it into place on commit, so a
 * reader sees the old file or the whole new one, and the writer never holds more than one line:
 * a batch of 256 trajectories of 2 MB each is never one string (V8 caps strings near 512 MB).
 */
export class AtomicLineWriter {
  private readonly temp: string;
  private fd: number | null;
  lines = 0;

  constructor(private readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.temp = `${file}.${randomUUID()}.tmp`;
    this.fd = openSync(this.temp, 'w');
  }

  write(line: string): void {
    if (this.fd === null) throw new Error(`${this.file}: already committed or aborted`);
    writeSync(this.fd, `${line}\n`);
    this.lines++;
  }

  commit(): void {
    if (this.fd === null) throw new Error(`${this.file}: already committed or aborted`);
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    renameSync(this.temp, this.file);
  }

  abort(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    unlinkSync(this.temp);
  }
}
