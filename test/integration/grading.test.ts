import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gradePatch } from '../../activities/sandbox/grading';
import { prepareRepository } from '../../activities/sandbox/repository';
import { createSandbox, destroySandbox, execInSandbox, listSandboxes } from '../../activities/sandbox/sandboxActivities';
import { makeCalcTask } from './support/fixtureRepo';
import { runProjectAsync } from './support/processes';
import { requireDocker } from './support/services';

const { reposDir, task } = makeCalcTask();
const grade = (patch: string, extra: Partial<Parameters<typeof gradePatch>[0]> = {}) =>
  gradePatch({ task, patch, reposDir, gradeId: `test-${randomUUID().slice(0, 8)}`, runId: 'grading-test', ...extra });

beforeAll(async () => {
  await requireDocker();
});

afterAll(async () => {
  expect(await listSandboxes('grading-test')).toEqual([]);
});

describe('grading in a fresh container (real Docker, local repository at base_commit)', () => {
  it('gives reward 1 to the gold patch, with per-test outcomes from the JUnit report', async () => {
    const result = await grade(task.patch);
    expect(result.reason).toBe('all_tests_passed');
    expect(result.reward).toBe(1);
    expect(result.tests.FAIL_TO_PASS).toEqual({ 'tests/test_running.py::test_running_total': 'passed' });
    expect(result.tests.PASS_TO_PASS).toEqual({ 'tests/test_sums.py::test_add': 'passed', 'tests/test_running.py::test_empty': 'passed' });
    expect(result.log).toMatch(/\$ run tests/);
  });

  it('grades a retry from scratch even when a crashed attempt left its patched container', async () => {
    const gradeId = `retry-${randomUUID().slice(0, 8)}`;
    // What a worker that died mid-grading leaves: the grading container, already patched.
    await createSandbox({ sandboxId: `grade-${gradeId}`, runId: 'grading-test', episodeId: gradeId });
    await prepareRepository(`grade-${gradeId}`, task, reposDir);
    await execInSandbox({ sandboxId: `grade-${gradeId}`, command: `sed -i 's/range(len(values) - 1)/range(len(values))/' calc/sums.py && echo 'def test_x(): pass' > tests/test_running.py` });
    const again = await grade(task.patch, { gradeId });
    expect(again).toMatchObject({ reward: 1, reason: 'all_tests_passed' });
  });

  it('gives reward 0 to the empty patch: FAIL_TO_PASS fails, PASS_TO_PASS passes', async () => {
    const result = await grade('');
    expect(result.reward).toBe(0);
    expect(result.reason).toBe('tests_failed');
    expect(result.tests.FAIL_TO_PASS['tests/test_running.py::test_running_total']).toBe('failed');
    expect(result.tests.PASS_TO_PASS['tests/test_sums.py::test_add']).toBe('passed');
  });

  it('records a patch that does not apply', async () => {
    const bad = task.patch.replace('range(len(values) - 1)', 'range(len(things) - 7)');
    const result = await grade(bad);
    expect(result).toMatchObject({ reward: 0, reason: 'patch_does_not_apply' });
    expect(result.log).toMatch(/git apply failed/);
  });

  it('resets tests the patch edited, so editing tests cannot earn the reward', async () => {
    const cheat = [
      'diff --git a/tests/test_sums.py b/tests/test_sums.py',
      '--- a/tests/test_sums.py',
      '+++ b/tests/test_sums.py',
      '@@ -2,4 +2,4 @@ from calc.sums import add',
      ' ',
      ' ',
      ' def test_add():',
      '-    assert add(2, 3) == 5',
      '+    assert True',
      'diff --git a/tests/test_running.py b/tests/test_running.py',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/tests/test_running.py',
      '@@ -0,0 +1,2 @@',
      '+def test_running_total():',
      '+    assert True',
      '',
    ].join('\n');
    const result = await grade(cheat);
    expect(result.modified_tests.sort()).toEqual(['tests/test_running.py', 'tests/test_sums.py']);
    expect(result.reward).toBe(0);
    expect(result.tests.FAIL_TO_PASS['tests/test_running.py::test_running_total']).toBe('failed');
  });

  it('records a test run that times out', async () => {
    const hang = task.patch.replace('+    for i in range(len(values)):', '+    for i in range(len(values)) if not __import__("time").sleep(3600) else []:');
    expect(hang).not.toBe(task.patch);
    const result = await grade(hang, { testTimeoutSeconds: 5 });
    expect(result).toMatchObject({ reward: 0, reason: 'test_run_timed_out' });
  });

  it('shows the sandbox only the base commit: no later history, owned by the sandbox user', async () => {
    const sandboxId = `sbx-repo-${randomUUID().slice(0, 8)}`;
    try {
      await createSandbox({ sandboxId, runId: 'grading-test', episodeId: sandboxId });
      await prepareRepository(sandboxId, task, reposDir);
      const result = await execInSandbox({ sandboxId, command: 'git log --oneline | wc -l; ls; stat -c %U calc/sums.py; git status --short | wc -l' });
      expect(result.output.split('\n')).toEqual(['1', 'calc', 'pytest.ini', 'tests', 'agent', '0', '']);
    } finally {
      await destroySandbox(sandboxId);
    }
  });

  it('refuses a task whose base_commit is not in the local repository, naming the task', async () => {
    await expect(gradePatch({ task: { ...task, base_commit: 'deadbeef' }, patch: '', reposDir, gradeId: 'missing-commit', runId: 'grading-test' })).rejects.toThrow(
      /fixture__calc-1: cannot read base_commit deadbeef/,
    );
  });
});

describe('swe-rl grade and validate-tasks commands', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-validate-'));

  it('grade prints one JSON object with reward, outcomes, reason and the log file', async () => {
    writeFileSync(path.join(dir, 'task.json'), JSON.stringify(task));
    writeFileSync(path.join(dir, 'gold.patch'), task.patch);
    const run = await runProjectAsync('bin/swe-rl', ['grade', '--task', path.join(dir, 'task.json'), '--patch', path.join(dir, 'gold.patch'), '--repos', reposDir, '--log-dir', dir]);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ instance_id: 'fixture__calc-1', reward: 1, reason: 'all_tests_passed' });
    expect(readFileSync(result.log_file, 'utf8')).toMatch(/apply test patch/);
  });

  it('validate-tasks keeps the valid task, rejects a wrong one and a malformed record, and exits 1', async () => {
    const wrong = { ...task, instance_id: 'fixture__calc-wrong', FAIL_TO_PASS: ['tests/test_sums.py::test_add'], PASS_TO_PASS: [] };
    const lines = [JSON.stringify(task), JSON.stringify(wrong), JSON.stringify({ ...task, instance_id: 'fixture__calc-bad', repo: 'no-slash' })];
    writeFileSync(path.join(dir, 'tasks.jsonl'), lines.join('\n'));
    const out = path.join(dir, 'out');
    const run = await runProjectAsync('bin/swe-rl', ['validate-tasks', path.join(dir, 'tasks.jsonl'), '--repos', reposDir, '--runs', '2', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/1\/3 tasks valid \(1 invalid, 0 flaky, 1 malformed\)/);
    expect(run.stderr).toMatch(/fixture__calc-wrong: INVALID: .*FAIL_TO_PASS already passes: tests\/test_sums.py::test_add/);
    expect(run.stderr).toMatch(/instance fixture__calc-bad\): task\.repo: must look like "owner\/name"/);
    const valid = readFileSync(path.join(out, 'valid.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).instance_id);
    expect(valid).toEqual(['fixture__calc-1']);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.tasks.find((t: { instance_id: string }) => t.instance_id === 'fixture__calc-1')).toMatchObject({ valid: true, flaky: false });
  });
});
