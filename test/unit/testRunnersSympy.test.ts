import { testRunnerFor } from '../../core/grading/testRunners';
import { parseSympyLog } from '../../core/grading/testRunners/sympy';
import { recordedRun } from './fixtures/testRunners/scenarios';

describe('sympy runner on a real run', () => {
  it('reads the --verbose log of sympy\'s own test runner', () => {
    const { run, log } = recordedRun('sympy');
    const runner = testRunnerFor(run.testCmd, run.repo);
    expect(runner.name).toBe('sympy');
    expect(runner.outcomes([...run.testIds, 'test_never_written'], log)).toEqual({
      test_add: 'passed',
      test_sub: 'failed',
      test_error: 'error',
      // @XFAIL that failed: SWE-bench's parser does not count `f` as passed
      test_known_bug: 'skipped',
      // @XFAIL that passed (`X`): not passed for SWE-bench either
      test_fixed_bug: 'failed',
      test_skipped: 'skipped',
      test_slow_one: 'skipped',
      // prints, so its `ok` lands on the next line, followed by the file's [FAIL]
      test_prints: 'passed',
      // the last test of a file: `test_only_here ok   [OK]`
      test_only_here: 'passed',
      // in a file that failed to import
      test_never: 'missing',
      test_never_written: 'missing',
    });
  });

  it('keeps the worst outcome when two files have a test of the same name', () => {
    const log = 'sympy/a/tests/test_x.py[1] \ntest_same ok     [OK]\nsympy/b/tests/test_y.py[1] \ntest_same F    [FAIL]\n';
    expect(parseSympyLog(log).get('test_same')).toBe('failed');
  });

  it('runs the test files verbosely', () => {
    const input = { testCmd: 'bin/test -C', testIds: ['test_a'], testFiles: ['sympy/core/tests/test_basic.py', 'sympy/core/tests/data.txt'], junitPath: '/x' };
    expect(testRunnerFor('bin/test -C', 'sympy/sympy').command(input)).toBe(`bin/test -C --verbose 'sympy/core/tests/test_basic.py'`);
    expect(testRunnerFor(undefined, 'sympy/sympy').command({ ...input, testCmd: '' })).toBe(
      `PYTHONWARNINGS='ignore::UserWarning,ignore::SyntaxWarning' bin/test -C --verbose 'sympy/core/tests/test_basic.py'`,
    );
  });
});
