import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listTaskIds, loadTask } from '../../activities/store/taskFiles';
import { readTaskSource } from '../../activities/store/taskSource';
import { runProjectAsync } from './support/processes';
import { PYTHON } from './support/pythonServices';
import { smallTaskSet } from './support/runFixture';
import { requireDocker } from './support/services';

// The same task set as JSONL, as a Parquet file (test lists as JSON strings) and as `datasets`
// save_to_disk folders (test lists as lists, a Dataset in two shards and a DatasetDict), written
// by the Python converter with the real `datasets` package.
describe('task sets in the formats data sets are published in', () => {
  const set = smallTaskSet(3, 2);
  const installConfigs = [
    { python: '3.11', install: 'pip install -e .', pip_packages: ['pytest'], test_cmd: 'pytest -rA' },
    { python: '3.9', pip_packages: [], test_cmd: 'python -m pytest', pre_install: ['apt-get update'] },
  ];
  const jsonl = path.join(set.dir, 'all.jsonl');
  const trainJsonl = path.join(set.dir, 'train-ic.jsonl');
  const evalJsonl = path.join(set.dir, 'eval-ic.jsonl');
  const parquet = path.join(set.dir, 'all.parquet');
  const saved = path.join(set.dir, 'saved');
  const dict = path.join(set.dir, 'dict');

  beforeAll(() => {
    // SWE-rebench records carry install_config, as an object or a JSON string of one. The first
    // has none (a null struct in Parquet and Arrow, absent once read): it is graded below on the
    // local image, which the built-in repositories need.
    const withConfig = (file: string, offset: number) =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line, i) => {
          if (offset === 0 && i === 0) return line;
          const config = installConfigs[(i + offset) % 2];
          return JSON.stringify({ ...JSON.parse(line), install_config: i % 2 ? JSON.stringify(config) : config });
        });
    const train = withConfig(set.trainFile, 0);
    const evalLines = withConfig(set.evalFile, 1);
    writeFileSync(trainJsonl, train.join('\n') + '\n');
    writeFileSync(evalJsonl, evalLines.join('\n') + '\n');
    writeFileSync(jsonl, [...train, ...evalLines].join('\n') + '\n');
    const exportSet = (...args: string[]) => {
      const run = spawnSync(PYTHON, ['-m', 'swe_rl_trainer.task_datasets', 'export', ...args], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`export failed: ${run.stderr}`);
    };
    exportSet('--tasks', trainJsonl, '--tasks', evalJsonl, '--parquet', parquet, '--datasets', saved, '--shards', '2');
    exportSet('--tasks', trainJsonl, '--tasks', evalJsonl, '--datasets', dict, '--dict-split', 'train', '--dict-split', 'eval');
  }, 300_000);

  afterAll(() => rmSync(set.dir, { recursive: true, force: true }));

  it('readTaskSource gives the same tasks from JSONL, Parquet, a saved folder and a DatasetDict', async () => {
    const fromJsonl = await readTaskSource(jsonl);
    expect(fromJsonl.errors).toEqual([]);
    expect(fromJsonl.tasks).toHaveLength(5);
    expect(fromJsonl.tasks[0].install_config).toBeUndefined();
    expect(fromJsonl.tasks[1].install_config).toEqual(installConfigs[1]);
    expect(fromJsonl.tasks[2].install_config).toEqual(installConfigs[0]);
    for (const location of [parquet, saved]) {
      const read = await readTaskSource(location);
      expect(read.errors).toEqual([]);
      expect(read.tasks).toEqual(fromJsonl.tasks);
    }
    const train = await readTaskSource(`${dict}#train`);
    const evalSplit = await readTaskSource(dict, { split: 'eval' });
    expect([...train.tasks, ...evalSplit.tasks]).toEqual(fromJsonl.tasks);
    await expect(readTaskSource(dict)).rejects.toThrow(/splits train, eval/);
  });

  it('the listTaskIds and loadTask activities load every format alike', async () => {
    const ids = await listTaskIds({ file: jsonl });
    expect(ids).toHaveLength(5);
    const expected = await Promise.all(ids.map((instanceId) => loadTask({ file: jsonl, instanceId })));
    for (const file of [parquet, saved]) {
      expect(await listTaskIds({ file })).toEqual(ids);
      expect(await Promise.all(ids.map((instanceId) => loadTask({ file, instanceId })))).toEqual(expected);
    }
    expect(await listTaskIds({ file: `${dict}#eval` })).toEqual(ids.slice(3));
    expect(await loadTask({ file: `${dict}#eval`, instanceId: ids[4] })).toEqual(expected[4]);
    await expect(listTaskIds({ file: dict })).rejects.toThrow(/DatasetDict with splits train, eval/);
  });

  it('swe-rl validate-tasks grades a task read from the Parquet file', async () => {
    await requireDocker();
    const [first] = (await readTaskSource(jsonl)).tasks;
    const out = path.join(set.dir, 'validated');
    const run = await runProjectAsync('bin/swe-rl', ['validate-tasks', parquet, '--repos', set.reposDir, '--only', first.instance_id, '--out', out]);
    expect(run.stderr + run.stdout).toMatch(/1\/1 tasks valid \(0 invalid, 0 flaky, 0 malformed\)/);
    expect(run.status).toBe(0);
    const valid = readFileSync(path.join(out, 'valid.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(valid).toEqual([first]);
  });
});
