import { testRunnerFor } from '../../core/grading/testRunners';
import { junitKeyOf, nodeIdParts, selectorFor } from '../../core/grading/testRunners/pytestNodeIds';
import { recordedRun } from './fixtures/testRunners/scenarios';

const calc = (name: string) => `tests/test_calc.py::${name}`;
const without = <T>(record: Record<string, T>, key: string) => Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));

// What the recorded pytest 9 run on projects/pytest did to each test (see the test module).
const expected = {
  [calc('test_add')]: 'passed',
  [calc('test_sub')]: 'failed',
  [calc('test_uses_broken')]: 'error',
  [calc('test_skipped')]: 'skipped',
  [calc('test_xfail')]: 'passed',
  [calc('test_xpass')]: 'passed',
  [calc('test_param[a b]')]: 'passed',
  [calc('test_param[x[1]]')]: 'passed',
  [calc('test_param[m::n]')]: 'passed',
  [calc('test_param[p - q]')]: 'failed',
  [calc('test_param[-]')]: 'failed',
  // cut off at its space, as SWE-bench's whitespace-splitting parser wrote some ids
  [calc('test_param[1 2')]: 'passed',
  [calc('TestDiv::test_ok')]: 'passed',
  [calc('TestDiv::test_zero[1-0]')]: 'failed',
  // passed, then its fixture's teardown raised: the worst of the two
  'tests/test_teardown.py::test_with_teardown_error': 'error',
  [calc('test_never_written')]: 'missing',
};

describe('pytest runner on real runs', () => {
  it('reads outcomes from the JUnit report', () => {
    const { run, log, junitXml } = recordedRun('pytest-junit');
    const runner = testRunnerFor(run.testCmd, run.repo);
    expect(runner.writesJunit).toBe(true);
    // The log alone must not be what decides: without the summary lines the report still answers.
    const logWithoutSummary = log.split('short test summary info')[0];
    expect(runner.outcomes(Object.keys(expected), logWithoutSummary, junitXml)).toEqual({
      ...expected,
      // JUnit writes an xfail as <skipped>; only the log's XFAIL line tells it apart
      [calc('test_xfail')]: 'skipped',
    });
    expect(runner.outcomes(Object.keys(expected), log, junitXml)).toEqual(expected);
  });

  it('reads the -rA short summary when there is no report', () => {
    const { run, log } = recordedRun('pytest-junit');
    const runner = testRunnerFor(run.testCmd, run.repo);
    // `SKIPPED [1] tests/test_calc.py:21: ...` names a location: with two unnamed tests in that file
    // it cannot say which one was skipped, and neither is.
    expect(runner.outcomes(Object.keys(expected), log)).toEqual({ ...expected, [calc('test_skipped')]: 'missing' });
    const named = Object.keys(expected).filter((id) => id !== calc('test_never_written'));
    expect(runner.outcomes(named, log)).toStrictEqual(without(expected, calc('test_never_written')));
  });

  it('reads the -v progress lines of a wrapper script that runs pytest', () => {
    const { run, log } = recordedRun('pytest-verbose-wrapper');
    const runner = testRunnerFor(run.testCmd, run.repo);
    expect(runner.name).toBe('pytest');
    expect(runner.writesJunit).toBe(false);
    expect(log).not.toContain('PASSED tests/'); // no -rA summary: the progress lines are all there is
    expect(runner.outcomes(Object.keys(expected), log)).toEqual(expected);
  });

  it('marks the tests of a module that fails to collect as errors', () => {
    const { run, log, junitXml } = recordedRun('pytest-collection-error');
    const runner = testRunnerFor(run.testCmd, run.repo);
    const want = { 'broken/test_broken_import.py::test_never_collected': 'error', 'broken/test_fine.py::test_fine': 'missing' };
    expect(runner.outcomes(run.testIds, log, junitXml)).toEqual(want);
    expect(runner.outcomes(run.testIds, log)).toEqual(want);
  });

  it('falls back to the log when the report is unreadable', () => {
    const { run, log, junitXml } = recordedRun('pytest-junit');
    const truncated = junitXml!.slice(0, 200);
    const named = Object.keys(expected).filter((id) => id !== calc('test_never_written'));
    expect(testRunnerFor(run.testCmd, run.repo).outcomes(named, log, truncated)).toStrictEqual(without(expected, calc('test_never_written')));
  });
});

describe('pytest log lines', () => {
  const runner = testRunnerFor(undefined, 'example/calc');

  it('keeps the worst outcome of a test run several times', () => {
    const log = ['FAILED tests/a.py::test_flaky - AssertionError', 'PASSED tests/a.py::test_flaky', 'PASSED tests/a.py::test_steady'].join('\n');
    expect(runner.outcomes(['tests/a.py::test_flaky', 'tests/a.py::test_steady'], log)).toEqual({
      'tests/a.py::test_flaky': 'failed',
      'tests/a.py::test_steady': 'passed',
    });
  });

  it('tells an id containing " - " from the message that follows it', () => {
    const log = 'FAILED tests/a.py::test_range[1 - 2] - AssertionError: 1 - 2 != 3\nFAILED tests/a.py::test_other - boom';
    expect(runner.outcomes(['tests/a.py::test_range[1 - 2]', 'tests/a.py::test_other'], log)).toEqual({
      'tests/a.py::test_range[1 - 2]': 'failed',
      'tests/a.py::test_other': 'failed',
    });
  });

  it('reads coloured logs with carriage returns and pytest-xdist lines', () => {
    const log = '\x1b[32mPASSED\x1b[0m tests/a.py::test_green\r\n[gw1] [ 50%] FAILED tests/a.py::test_remote\r\nprogress 10%\rtests/a.py::test_v PASSED [100%]\n';
    expect(runner.outcomes(['tests/a.py::test_green', 'tests/a.py::test_remote', 'tests/a.py::test_v'], log)).toEqual({
      'tests/a.py::test_green': 'passed',
      'tests/a.py::test_remote': 'failed',
      'tests/a.py::test_v': 'passed',
    });
  });

  it('calls a test skipped when only a summary skip line names its file', () => {
    const log = 'PASSED tests/a.py::test_one\nSKIPPED [2] tests/b.py:14: needs network';
    expect(runner.outcomes(['tests/a.py::test_one', 'tests/b.py::test_net', 'tests/c.py::test_other'], log)).toEqual({
      'tests/a.py::test_one': 'passed',
      'tests/b.py::test_net': 'skipped',
      'tests/c.py::test_other': 'missing',
    });
  });
});

describe('pytest node ids', () => {
  it('splits on :: outside the parameters only', () => {
    expect(nodeIdParts('tests/a.py::TestX::test_y[m::n]')).toEqual(['tests/a.py', 'TestX', 'test_y[m::n]']);
    expect(junitKeyOf('tests/a.py::TestX::test_y[m::n]')).toBe('tests.a.TestX::test_y[m::n]');
    expect(junitKeyOf('./src/pkg/test_b.py::test_z[a b]')).toBe('src.pkg.test_b::test_z[a b]');
  });

  it('selects a whole parametrised function for an id cut off mid-parameter', () => {
    expect(selectorFor('tests/a.py::test_y[1 2')).toBe('tests/a.py::test_y');
    expect(selectorFor('tests/a.py::test_y[x[1]]')).toBe('tests/a.py::test_y[x[1]]');
  });
});

describe('pytest command', () => {
  const input = (testCmd: string) => ({ testCmd, testIds: ["tests/a.py::test_q[it's]", 'tests/a.py::test_r'], testFiles: ['tests/a.py'], junitPath: '/tmp/g/junit.xml' });

  it('asks for the -rA summary and a JUnit report, with each id quoted', () => {
    const runner = testRunnerFor('pytest -x', 'o/r');
    expect(runner.command(input('pytest -x'))).toBe(
      `pytest -x -rA --junitxml='/tmp/g/junit.xml' -o junit_family=xunit1 'tests/a.py::test_q[it'\\''s]' 'tests/a.py::test_r'`,
    );
  });

  it('keeps a -rA already there and overrides a narrower -r', () => {
    expect(testRunnerFor('python -m pytest -rA', 'o/r').command(input('python -m pytest -rA'))).toMatch(/^python -m pytest -rA --junitxml=/);
    expect(testRunnerFor('pytest -ra', 'o/r').command(input('pytest -ra'))).toMatch(/^pytest -ra -rA --junitxml=/);
  });

  it('adds no pytest flags to a command that is not pytest itself', () => {
    const runner = testRunnerFor('tox -e py', 'o/r');
    expect(runner.writesJunit).toBe(false);
    expect(runner.command(input('tox -e py'))).toBe(`tox -e py 'tests/a.py::test_q[it'\\''s]' 'tests/a.py::test_r'`);
  });
});
