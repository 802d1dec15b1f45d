import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TaskSourceError } from './taskSourceError';

/** One saved data set (a split) of a `datasets` save_to_disk folder. */
export interface SavedDataset {
  /** The folder holding state.json. */
  dir: string;
  stateFile: string;
  /** The Arrow IPC stream files of state.json `_data_files`, in order. */
  dataFiles: string[];
  /** The split read, when the folder is a DatasetDict. */
  split?: string;
}

export const DATASET_DICT_FILE = 'dataset_dict.json';
export const STATE_FILE = 'state.json';

export function isDatasetsFolder(dir: string): boolean {
  return existsSync(path.join(dir, STATE_FILE)) || existsSync(path.join(dir, DATASET_DICT_FILE));
}

/**
 * The data set to read from a save_to_disk folder: the folder itself (a Dataset), or one split of
 * a DatasetDict (`split`, or the only split there is).
 */
export function resolveSavedDataset(dir: string, split: string | undefined): SavedDataset {
  const dictFile = path.join(dir, DATASET_DICT_FILE);
  if (existsSync(dictFile)) {
    const splits = readJson<{ splits?: unknown }>(dictFile).splits;
    if (!Array.isArray(splits) || splits.length === 0 || !splits.every((s) => typeof s === 'string')) {
      throw new TaskSourceError(`${dictFile}: "splits" must be a non-empty list of split names`);
    }
    const names = splits as string[];
    if (split === undefined && names.length > 1) {
      throw new TaskSourceError(
        `${dir} is a DatasetDict with splits ${names.join(', ')}; choose one with ${dir}#SPLIT (for example ${dir}#${names[0]})`,
      );
    }
    const chosen = split ?? names[0];
    if (!names.includes(chosen)) throw new TaskSourceError(`${dir} has no split "${chosen}"; its splits are ${names.join(', ')}`);
    return { ...readState(path.join(dir, chosen)), split: chosen };
  }
  const saved = readState(dir);
  if (split !== undefined) {
    const own = readJson<{ _split?: unknown }>(saved.stateFile)._split;
    if (own !== split) {
      throw new TaskSourceError(
        `${dir} is one saved data set (split ${typeof own === 'string' ? `"${own}"` : 'not named'}), not a DatasetDict; it has no split "${split}"`,
      );
    }
  }
  return saved;
}

function readState(dir: string): SavedDataset {
  const stateFile = path.join(dir, STATE_FILE);
  if (!existsSync(stateFile)) throw new TaskSourceError(`${dir} is not a saved \`datasets\` folder: it has no ${STATE_FILE}`);
  const files = readJson<{ _data_files?: unknown }>(stateFile)._data_files;
  if (!Array.isArray(files)) throw new TaskSourceError(`${stateFile}: "_data_files" must be a list`);
  const dataFiles = files.map((entry, i) => {
    const name = (entry as { filename?: unknown } | null)?.filename;
    if (typeof name !== 'string' || name === '' || path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
      throw new TaskSourceError(`${stateFile}: _data_files[${i}].filename must be a file name inside the folder`);
    }
    return path.join(dir, name);
  });
  return { dir, stateFile, dataFiles };
}

function readJson<T>(file: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TaskSourceError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new TaskSourceError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}
