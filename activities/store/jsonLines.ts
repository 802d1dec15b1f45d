import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The lines of a JSONL file, parsed one at a time from a file stream: a batch or a list of
 * references is never one string or one read. Blank lines are skipped.
 */
export async function* readJsonLines<T>(file: string): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      if (line.trim() === '') continue;
      try {
        yield JSON.parse(line) as T;
      } catch (err) {
        throw new Error(`${file}:${number}: not JSON: ${(err as Error).message}`);
      }
    }
  } finally {
    lines.close();
  }
}
