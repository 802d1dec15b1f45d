import { createReadStream, existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync, createGunzip } from 'node:zlib';
import { addJsonLine, jsonRecords, parseTaskFile } from '../../core/tasks/parseTaskFile';
import { TaskRecordCollector, type ParsedTaskFile } from '../../core/tasks/taskRecords';
import { isDatasetsFolder, resolveSavedDataset, DATASET_DICT_FILE, type SavedDataset } from './datasetsFolder';
import { readArrowRecords } from './taskSourceArrow';
import { readParquetRecords } from './taskSourceParquet';
import { TaskSourceError } from './taskSourceError';

export { TaskSourceError } from './taskSourceError';

/**
 * Where a task set is read from: a `.json` / `.jsonl` file (optionally `.gz`), a `.parquet`
 * file, or a folder saved by `datasets` save_to_disk (a Dataset, or one split of a DatasetDict).
 */
export type TaskSource =
  | { kind: 'json' | 'jsonl' | 'text'; file: string; gzip: boolean }
  | { kind: 'parquet'; file: string }
  | ({ kind: 'datasets' } & SavedDataset);

export interface TaskSourceOptions {
  /** The DatasetDict split to read; also given as `PATH#SPLIT`. */
  split?: string;
}

/**
 * Which source `location` names. `PATH#SPLIT` chooses a DatasetDict split (unless a file is
 * really named so). Throws a TaskSourceError naming the problem when there is nothing to read.
 */
export function resolveTaskSource(location: string, options: TaskSourceOptions = {}): TaskSource {
  let target = location;
  let split = options.split;
  const hash = location.lastIndexOf('#');
  if (!existsSync(location) && hash > 0) {
    target = location.slice(0, hash);
    const named = location.slice(hash + 1);
    if (split !== undefined && split !== named) throw new TaskSourceError(`${location} names split "${named}" but split "${split}" was asked for`);
    split = named || undefined;
  }
  let stat: Stats;
  try {
    stat = statSync(target);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TaskSourceError(missing ? `task set ${target} does not exist` : `cannot read task set ${target}: ${(err as Error).message}`);
  }
  if (stat.isDirectory()) {
    if (!isDatasetsFolder(target)) {
      throw new TaskSourceError(`${target} is a folder but not a saved \`datasets\` folder (no state.json or ${DATASET_DICT_FILE})`);
    }
    return { kind: 'datasets', ...resolveSavedDataset(target, split) };
  }
  if (split !== undefined) throw new TaskSourceError(`split "${split}" applies only to a saved DatasetDict folder, and ${target} is a file`);
  const name = target.toLowerCase();
  const gzip = name.endsWith('.gz');
  const bare = gzip ? name.slice(0, -3) : name;
  if (bare.endsWith('.parquet') && !gzip) return { kind: 'parquet', file: target };
  if (bare.endsWith('.jsonl')) return { kind: 'jsonl', file: target, gzip };
  if (bare.endsWith('.json')) return { kind: 'json', file: target, gzip };
  if (gzip) throw new TaskSourceError(`${target}: only .json.gz and .jsonl.gz are read compressed`);
  return { kind: 'text', file: target, gzip: false };
}

/**
 * Reads a task set in any supported format. Bad records come back as errors naming their index
 * (and line for JSONL) and field; the good ones still load. A source that cannot be read, or
 * that holds no records at all, throws a TaskSourceError.
 */
export async function readTaskSource(location: string, options: TaskSourceOptions = {}): Promise<ParsedTaskFile> {
  const source = resolveTaskSource(location, options);
  const result = await readResolved(source);
  if (result.tasks.length === 0 && result.errors.length === 0) throw new TaskSourceError(`task set ${location} holds no records`);
  return result;
}

async function readResolved(source: TaskSource): Promise<ParsedTaskFile> {
  const collector = new TaskRecordCollector();
  switch (source.kind) {
    case 'datasets':
      await readArrowRecords(source.dataFiles, collector);
      return collector.result();
    case 'parquet':
      try {
        await readParquetRecords(source.file, collector);
      } catch (err) {
        throw new TaskSourceError(`cannot read Parquet file ${source.file}: ${(err as Error).message}`);
      }
      return collector.result();
    case 'jsonl':
      await readJsonLines(source.file, source.gzip, collector);
      return collector.result();
    case 'json': {
      let whole: unknown;
      try {
        whole = JSON.parse(readText(source.file, source.gzip));
      } catch (err) {
        if (err instanceof TaskSourceError) throw err;
        collector.addUnreadable(`not valid JSON: ${(err as Error).message}`);
        return collector.result();
      }
      for (const record of jsonRecords(whole)) collector.add(record);
      return collector.result();
    }
    case 'text':
      return parseTaskFile(readText(source.file, false), source.file);
  }
}

function readText(file: string, gzip: boolean): string {
  try {
    const bytes = readFileSync(file);
    return (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (err) {
    throw new TaskSourceError(`cannot read task file ${file}: ${(err as Error).message}`);
  }
}

/** JSONL read line by line from a stream, so a large set is never one string. */
async function readJsonLines(file: string, gzip: boolean, collector: TaskRecordCollector): Promise<void> {
  const raw = createReadStream(file);
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  const failed = new Promise<never>((_, reject) => {
    const fail = (err: Error) => reject(new TaskSourceError(`cannot read task file ${file}: ${err.message}`));
    raw.on('error', fail);
    input.on('error', fail);
  });
  failed.catch(() => undefined); // observed by the race below
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    let line = 0;
    const iterate = (async () => {
      for await (const text of lines) addJsonLine(collector, text, ++line);
    })();
    await Promise.race([iterate, failed]);
  } finally {
    lines.close();
    raw.destroy();
  }
}

/**
 * A key that changes when the source's content may have: size and mtime of the file, or of a
 * saved data set's state.json, its data files (and the DatasetDict's dataset_dict.json).
 */
export function taskSourceFingerprint(location: string, options: TaskSourceOptions = {}): string {
  const source = resolveTaskSource(location, options);
  const files =
    source.kind === 'datasets'
      ? [...(source.split !== undefined ? [path.join(path.dirname(source.dir), DATASET_DICT_FILE)] : []), source.stateFile, ...source.dataFiles]
      : [source.file];
  return files
    .map((f) => {
      try {
        const s = statSync(f);
        return `${s.mtimeMs}:${s.size}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}
