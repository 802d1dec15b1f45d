import { formatTaskErrors, parseTaskFile } from '../../../core/tasks/parseTaskFile';
import { repoFolderName } from '../../../core/tasks/taskSchema';

const good = {
  instance_id: 'octo__calc-1',
  repo: 'octo/calc',
  base_commit: 'a'.repeat(40),
  problem_statement: 'add() is wrong',
  patch: 'diff --git a/calc.py b/calc.py\n',
  test_patch: 'diff --git a/tests/test_calc.py b/tests/test_calc.py\n',
  FAIL_TO_PASS: ['tests/test_calc.py::test_add'],
  PASS_TO_PASS: '["tests/test_calc.py::test_sub"]',
  created_at: '2024-01-01',
};

describe('parseTaskFile', () => {
  it('accepts lists and JSON strings of lists, and keeps unknown fields', () => {
    const { tasks, errors } = parseTaskFile(JSON.stringify([good]), 'tasks.json');
    expect(errors).toEqual([]);
    expect(tasks[0].PASS_TO_PASS).toEqual(['tests/test_calc.py::test_sub']);
    expect(tasks[0].FAIL_TO_PASS).toEqual(['tests/test_calc.py::test_add']);
    expect((tasks[0] as Record<string, unknown>).created_at).toBe('2024-01-01');
  });

  it('reads JSONL and reports every bad record with its line, instance and field', () => {
    const lines = [
      JSON.stringify(good),
      JSON.stringify({ ...good, instance_id: 'octo__calc-2', base_commit: 'not-a-hash' }),
      '{ broken json',
      JSON.stringify({ ...good, instance_id: 'octo__calc-3', FAIL_TO_PASS: '[not json' }),
      JSON.stringify({ ...good, instance_id: 'octo__calc-4', FAIL_TO_PASS: [] }),
      JSON.stringify(good),
    ];
    const { tasks, errors } = parseTaskFile(lines.join('\n'), 'tasks.jsonl');
    expect(tasks.map((t) => t.instance_id)).toEqual(['octo__calc-1']);
    expect(errors).toHaveLength(5);
    const text = formatTaskErrors('tasks.jsonl', errors);
    expect(text).toMatch(/record 1 \(line 2, instance octo__calc-2\): task\.base_commit: must be a git commit hash/);
    expect(text).toMatch(/record 2 \(line 3\): not valid JSON/);
    expect(text).toMatch(/instance octo__calc-3\): task\.FAIL_TO_PASS: must be a list of test ids/);
    expect(text).toMatch(/instance octo__calc-4\): task\.FAIL_TO_PASS: must name at least one test/);
    expect(text).toMatch(/record 5 \(line 6, instance octo__calc-1\): task\.instance_id: duplicate of record 0/);
  });

  it('names a missing field', () => {
    const { repo: _repo, ...withoutRepo } = good;
    const { errors } = parseTaskFile(JSON.stringify(withoutRepo), 'one.json');
    expect(errors[0].problems.join()).toMatch(/task\.repo:/);
  });

  it('accepts a single object and an object with a tasks list', () => {
    expect(parseTaskFile(JSON.stringify(good), 'one.json').tasks).toHaveLength(1);
    expect(parseTaskFile(JSON.stringify({ tasks: [good] }), 'set.json').tasks).toHaveLength(1);
    expect(parseTaskFile('', 'empty.jsonl')).toEqual({ tasks: [], errors: [] });
  });

  it('maps repos to local folders owner__name', () => {
    expect(repoFolderName('psf/requests')).toBe('psf__requests');
  });
});
