import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatTaskErrors } from '../../core/tasks/taskRecords';
import { readTaskSource } from '../../activities/store/taskSource';

// Parquet and Arrow files are written by pyarrow from the trainer environment, as published sets are.
const PYTHON = path.join(__dirname, '..', '..', '.venv', 'bin', 'python');

const WRITE_FIXTURES = `
import json, os, sys
import pyarrow as pa, pyarrow.ipc as ipc, pyarrow.parquet as pq

spec = json.load(sys.stdin)
out = spec["out"]

def table(records):
    return pa.Table.from_pylist(records)

def write_parquet(name, records, **kw):
    pq.write_table(table(records), os.path.join(out, name), **kw)

def write_saved(folder, shards, split=None):
    os.makedirs(folder, exist_ok=True)
    files = []
    for i, records in enumerate(shards):
        name = f"data-{i:05d}-of-{len(shards):05d}.arrow"
        t = table(records)
        with ipc.new_stream(os.path.join(folder, name), t.schema) as writer:
            writer.write_table(t, max_chunksize=1)
        files.append({"filename": name})
    json.dump({"_data_files": files, "_split": split}, open(os.path.join(folder, "state.json"), "w"))
    json.dump({"features": {}}, open(os.path.join(folder, "dataset_info.json"), "w"))

def write_dict(folder, splits):
    os.makedirs(folder, exist_ok=True)
    for name, shards in splits.items():
        write_saved(os.path.join(folder, name), shards, split=name)
    json.dump({"splits": list(splits)}, open(os.path.join(folder, "dataset_dict.json"), "w"))

records = spec["records"]
write_parquet("mixed.parquet", records, row_group_size=2, compression="zstd")
write_parquet("empty.parquet", [], )
write_saved(os.path.join(out, "saved"), [records[:2], records[2:]])
write_dict(os.path.join(out, "dict"), {"train": [records[:1]], "test": [records[1:3]]})
write_dict(os.path.join(out, "one-split"), {"test": [records]})
`;

const good = (n: number) => ({
  instance_id: `octo__calc-${n}`,
  repo: 'octo/calc',
  base_commit: 'a'.repeat(40),
  problem_statement: `bug ${n}`,
  patch: 'diff --git a/calc.py b/calc.py\n',
  test_patch: 'diff --git a/tests/test_calc.py b/tests/test_calc.py\n',
  FAIL_TO_PASS: JSON.stringify([`tests/test_calc.py::test_${n}`]),
  PASS_TO_PASS: ['tests/test_calc.py::test_sub'],
  version: '3.1',
  install_config: { python: '3.11', pip_packages: ['pytest'], test_cmd: 'pytest -rA' },
  priority: n, // an int64 column in Parquet and Arrow
});

// Index 1 and 3 are bad; 0, 2 and 4 are good. Every record has every column, so the files share one schema.
const records = [
  good(0),
  { ...good(1), base_commit: 'not-a-hash' },
  good(2),
  { ...good(3), install_config: { python: '3.11', pip_packages: [], test_cmd: '' }, FAIL_TO_PASS: '[]' },
  good(4),
];

let dir: string;

beforeAll(() => {
  if (!existsSync(PYTHON)) throw new Error(`this test writes Parquet with pyarrow from ${PYTHON} (run infra/python-env.sh)`);
  dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-task-source-'));
  const result = spawnSync(PYTHON, ['-c', WRITE_FIXTURES], { input: JSON.stringify({ out: dir, records }), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`writing the fixtures failed: ${result.stderr}`);
  writeFileSync(path.join(dir, 'mixed.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(path.join(dir, 'mixed.jsonl.gz'), gzipSync(records.map((r) => JSON.stringify(r)).join('\n')));
  writeFileSync(path.join(dir, 'mixed.json'), JSON.stringify(records));
  writeFileSync(path.join(dir, 'empty.jsonl'), '\n\n');
  mkdirSync(path.join(dir, 'plain-folder'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('readTaskSource', () => {
  it.each(['mixed.jsonl', 'mixed.jsonl.gz', 'mixed.json', 'mixed.parquet', 'saved'])(
    '%s: reports each bad record with its index and field, and keeps the good ones',
    async (name) => {
      const file = path.join(dir, name);
      const { tasks, errors } = await readTaskSource(file);
      expect(tasks.map((t) => t.instance_id)).toEqual(['octo__calc-0', 'octo__calc-2', 'octo__calc-4']);
      expect(errors.map((e) => e.index)).toEqual([1, 3]);
      const text = formatTaskErrors(file, errors);
      const line = name.startsWith('mixed.jsonl') ? (n: number) => `line ${n}, ` : () => '';
      expect(text).toContain(`record 1 (${line(2)}instance octo__calc-1): task.base_commit: must be a git commit hash`);
      expect(text).toContain(`record 3 (${line(4)}instance octo__calc-3): task.FAIL_TO_PASS: must name at least one test`);
    },
  );

  it('gives the same task objects from JSONL, Parquet and a saved folder', async () => {
    const fromJsonl = (await readTaskSource(path.join(dir, 'mixed.jsonl'))).tasks;
    expect(fromJsonl[0]).toMatchObject({ FAIL_TO_PASS: ['tests/test_calc.py::test_0'], priority: 0, install_config: { pip_packages: ['pytest'] } });
    expect((await readTaskSource(path.join(dir, 'mixed.parquet'))).tasks).toEqual(fromJsonl);
    expect((await readTaskSource(path.join(dir, 'saved'))).tasks).toEqual(fromJsonl);
  });

  it('reads a DatasetDict split chosen by #SPLIT or the split option, and its only split when there is one', async () => {
    const ids = async (location: string, split?: string) => (await readTaskSource(location, { split })).tasks.map((t) => t.instance_id);
    expect(await ids(path.join(dir, 'dict#train'))).toEqual(['octo__calc-0']);
    expect(await ids(path.join(dir, 'dict'), 'test')).toEqual(['octo__calc-2']);
    expect(await ids(path.join(dir, 'one-split'))).toEqual(['octo__calc-0', 'octo__calc-2', 'octo__calc-4']);
  });

  it('refuses a DatasetDict with several splits and none chosen, naming the splits', async () => {
    await expect(readTaskSource(path.join(dir, 'dict'))).rejects.toThrow(/DatasetDict with splits train, test; choose one with .*dict#SPLIT/);
    await expect(readTaskSource(path.join(dir, 'dict#validation'))).rejects.toThrow(/has no split "validation"; its splits are train, test/);
  });

  it('names a missing file, an empty set, a folder that is not a saved data set, and a split on a file', async () => {
    await expect(readTaskSource(path.join(dir, 'nope.parquet'))).rejects.toThrow(/task set .*nope\.parquet does not exist/);
    await expect(readTaskSource(path.join(dir, 'empty.jsonl'))).rejects.toThrow(/empty\.jsonl holds no records/);
    await expect(readTaskSource(path.join(dir, 'empty.parquet'))).rejects.toThrow(/empty\.parquet holds no records/);
    await expect(readTaskSource(path.join(dir, 'plain-folder'))).rejects.toThrow(/not a saved `datasets` folder/);
    await expect(readTaskSource(path.join(dir, 'mixed.parquet#test'))).rejects.toThrow(/applies only to a saved DatasetDict folder/);
  });

  it('names a corrupt Parquet file', async () => {
    const file = path.join(dir, 'corrupt.parquet');
    writeFileSync(file, 'PAR1 this is not parquet PAR1');
    await expect(readTaskSource(file)).rejects.toThrow(/cannot read Parquet file .*corrupt\.parquet/);
  });
});
