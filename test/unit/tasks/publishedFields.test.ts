import { toPlainValue } from '../../../core/tasks/plainValue';
import { formatTaskErrors, TaskRecordCollector } from '../../../core/tasks/taskRecords';

const base = {
  instance_id: 'octo__calc-1',
  repo: 'octo/calc',
  base_commit: 'a'.repeat(40),
  problem_statement: 'add() is wrong',
  patch: 'diff --git a/calc.py b/calc.py\n',
  test_patch: 'diff --git a/tests/test_calc.py b/tests/test_calc.py\n',
  FAIL_TO_PASS: ['tests/test_calc.py::test_add'],
  PASS_TO_PASS: [],
};

function collect(...records: unknown[]) {
  const collector = new TaskRecordCollector();
  for (const r of records) collector.add(r);
  return collector.result();
}

describe('toPlainValue', () => {
  it('turns big ints into numbers, drops null fields, keeps null list items and unwraps toJSON objects', () => {
    class Row {
      constructor(private readonly fields: Record<string, unknown>) {}
      toJSON() {
        return this.fields;
      }
    }
    const value = toPlainValue({
      n: 7n,
      gone: null,
      list: ['a', null, 3n],
      typed: new BigInt64Array([1n, 2n]),
      row: new Row({ inner: new Row({ deep: 5n, none: undefined }) }),
      when: new Date(Date.UTC(2024, 0, 2)),
      map: new Map([['k', 1]]),
    });
    expect(value).toEqual({
      n: 7,
      list: ['a', null, 3],
      typed: [1, 2],
      row: { inner: { deep: 5 } },
      when: '2024-01-02T00:00:00.000Z',
      map: { k: 1 },
    });
    expect(Object.keys(value as object)).not.toContain('gone');
  });
});

describe('published fields', () => {
  it('reads version numbers as strings and install_config JSON strings as objects, keeping unknown fields', () => {
    const { tasks, errors } = collect({
      ...base,
      version: 3.1,
      environment_setup_commit: 'b'.repeat(40),
      hints_text: '',
      docker_image: 'example/sweb.eval.x86_64.octo_1776_calc-1',
      install_config: JSON.stringify({ python: 3.9, pip_packages: 'pytest attrs', pre_install: null, log_parser: 'pytest' }),
      extra_field: { kept: true },
    });
    expect(errors).toEqual([]);
    expect(tasks[0].version).toBe('3.1');
    expect(tasks[0].install_config).toEqual({ python: '3.9', pip_packages: 'pytest attrs', log_parser: 'pytest' });
    expect((tasks[0] as Record<string, unknown>).extra_field).toEqual({ kept: true });
  });

  it('is idempotent: a parsed task parses to itself', () => {
    const once = collect({ ...base, version: 2, install_config: '{"python": "3.11", "test_cmd": ["pytest", "-x"]}' }).tasks[0];
    const twice = collect(once).tasks[0];
    expect(twice).toEqual(once);
  });

  it('names the record and field of a bad published field, and keeps the good records', () => {
    const { tasks, errors } = collect(
      { ...base, instance_id: 'foo__bar-0' },
      { ...base, instance_id: 'foo__bar-1', install_config: 'pip install -e .' },
      { ...base, instance_id: 'foo__bar-2', install_config: { python: '3.9', pip_packages: [1, 2] } },
      { ...base, instance_id: 'foo__bar-3', environment_setup_commit: 'main' },
      { ...base, instance_id: 'foo__bar-4', install_config: 42 },
    );
    expect(tasks.map((t) => t.instance_id)).toEqual(['foo__bar-0']);
    const text = formatTaskErrors('set.parquet', errors);
    expect(text).toMatch(/^set\.parquet: record 1 \(instance foo__bar-1\): task\.install_config: must be an object or a JSON string of one$/m);
    expect(text).toMatch(/record 2 \(instance foo__bar-2\): task\.install_config\.pip_packages: must be a string or a list of strings/);
    expect(text).toMatch(/record 3 \(instance foo__bar-3\): task\.environment_setup_commit: must be a git commit hash/);
    expect(text).toMatch(/record 4 \(instance foo__bar-4\): task\.install_config: must be an object or a JSON string of one/);
  });
});
