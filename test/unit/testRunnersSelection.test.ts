import { DEFAULT_TEST_CMD, testRunnerFor } from '../../core/grading/testRunners';
import { recordedRuns } from './fixtures/testRunners/scenarios';

describe('testRunnerFor', () => {
  it.each([
    ['./tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1', 'django/django', 'django'],
    ['python tests/runtests.py', 'someone/fork', 'django'],
    ["PYTHONWARNINGS='ignore::UserWarning' bin/test -C --verbose", 'sympy/sympy', 'sympy'],
    ['python -m unittest', 'o/r', 'unittest'],
    ['python3 -m unittest discover -s tests', 'o/r', 'unittest'],
    ['pytest -rA', 'django/django', 'pytest'],
    ['.venv/bin/pytest tests/unittest_compat', 'o/r', 'pytest'],
    ['tox -e py', 'o/r', 'pytest'],
    ['tox -e py', 'sympy/sympy', 'sympy'],
    [undefined, 'django/django', 'django'],
    [undefined, 'Sympy/Sympy', 'sympy'],
    [undefined, 'o/r', 'pytest'],
  ])('%s in %s -> %s', (testCmd, repo, name) => {
    expect(testRunnerFor(testCmd, repo).name).toBe(name);
  });

  it('runs pytest by the default command when the instance names none', () => {
    const runner = testRunnerFor(undefined, 'o/r');
    expect(runner.writesJunit).toBe(true);
    expect(runner.command({ testCmd: '', testIds: ['t.py::test_a'], testFiles: [], junitPath: '/j.xml' })).toBe(
      `${DEFAULT_TEST_CMD} --junitxml='/j.xml' -o junit_family=xunit1 't.py::test_a'`,
    );
  });

  // generate.py ran these commands to record the logs the other tests read: they must still be what the runners build.
  it.each(recordedRuns.map((run) => [run.name, run] as const))('builds the command recorded for %s', (_name, run) => {
    const runner = testRunnerFor(run.testCmd, run.repo);
    expect(runner.name).toBe(run.runner);
    expect(runner.writesJunit).toBe(run.writesJunit);
    expect(runner.command({ testCmd: run.testCmd, testIds: run.testIds, testFiles: run.testFiles, junitPath: run.junitPath })).toBe(run.command);
  });
});
