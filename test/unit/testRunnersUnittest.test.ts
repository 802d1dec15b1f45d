import { testRunnerFor } from '../../core/grading/testRunners';
import { djangoTestLabels } from '../../core/grading/testRunners/django';
import { dottedTestName } from '../../core/grading/testRunners/unittestIds';
import { recordedRun } from './fixtures/testRunners/scenarios';

const mod = (name: string) => `pkg.tests.test_mod.${name}`;

// What the recorded runs of projects/unittest did to each test (see pkg/tests/test_mod.py).
const unittestExpected = {
  [mod('CalcTest.test_add')]: 'passed',
  [mod('CalcTest.test_sub')]: 'failed',
  [mod('CalcTest.test_error')]: 'error',
  [mod('CalcTest.test_skipped')]: 'skipped',
  [mod('CalcTest.test_expected_failure')]: 'passed',
  [mod('CalcTest.test_unexpected_success')]: 'failed',
  // prints between ` ... ` and `ok`
  [mod('CalcTest.test_prints')]: 'passed',
  // the description form of an id, followed in the log by its docstring
  'test_documented (pkg.tests.test_mod.CalcTest)': 'passed',
  // one of its subTests failed
  [mod('CalcTest.test_subtests')]: 'failed',
  // its class's setUpClass raised
  [mod('BrokenSetupTest.test_never_runs')]: 'error',
  // its module fails to import
  'pkg.tests.test_broken_import.T.test_x': 'error',
  [mod('CalcTest.test_never_written')]: 'missing',
};

describe('unittest runner on real runs', () => {
  it.each(['unittest-py3.11', 'unittest-py3.8'])('reads the verbose log of %s', (name) => {
    const { run, log } = recordedRun(name);
    const runner = testRunnerFor(run.testCmd, run.repo);
    expect(runner.name).toBe('unittest');
    expect(runner.writesJunit).toBe(false);
    expect(runner.outcomes(Object.keys(unittestExpected), log)).toEqual(unittestExpected);
  });

  it('keeps the worst outcome of a test reported twice', () => {
    const log = 'test_a (m.C.test_a) ... ok\ntest_a (m.C.test_a) ... FAIL\ntest_b (m.C.test_b) ... ok\n';
    expect(testRunnerFor('python -m unittest', 'o/r').outcomes(['m.C.test_a', 'm.C.test_b'], log)).toEqual({ 'm.C.test_a': 'failed', 'm.C.test_b': 'passed' });
  });

  it('runs the ids as dotted names, verbosely', () => {
    const runner = testRunnerFor('python -m unittest', 'o/r');
    const input = { testCmd: 'python -m unittest', testIds: ['test_a (m.C)', 'm.C.test_b', 'A docstring line'], testFiles: [], junitPath: '/tmp/j.xml' };
    expect(runner.command(input)).toBe(`python -m unittest -v 'm.C.test_a' 'm.C.test_b'`);
    expect(runner.command({ ...input, testCmd: 'python -m unittest -v' })).toBe(`python -m unittest -v 'm.C.test_a' 'm.C.test_b'`);
  });
});

const adminViews = 'admin_views.tests.AdminViewBasicTest';
const djangoExpected = (id: (method: string, testCase: string) => string) => ({
  [id('test_changelist', adminViews)]: 'passed',
  // SWE-bench records a test printed with a docstring by the docstring's first line
  'Regression for #20509: the add view keeps the changelist filters.': 'passed',
  [id('test_add_view', adminViews)]: 'passed',
  [id('test_delete_view', adminViews)]: 'failed',
  'History shows the latest change first.': 'error',
  // Django's "System check identified no issues" printed between ` ... ` and `ok`
  [id('test_checks', adminViews)]: 'passed',
  [id('test_deferred', adminViews)]: 'skipped',
  [id('test_login', 'admin_views.tests.AdminViewPermissionsTest')]: 'error',
  [id('test_slugify', 'utils_tests.test_text.TestUtilsText')]: 'passed',
  [id('test_truncate_chars', 'utils_tests.test_text.TestUtilsText')]: 'passed',
  [id('test_wrap_known_bug', 'utils_tests.test_text.TestUtilsText')]: 'passed',
  [id('test_render', 'missing_app.tests.MissingAppTest')]: 'error',
  [id('test_never_written', adminViews)]: 'missing',
});
const swebenchId = (method: string, testCase: string) => `${method} (${testCase})`;
const py311Id = (method: string, testCase: string) => `${method} (${testCase}.${method})`;

describe('django runner on real runs', () => {
  it.each([
    ['django-py3.8', swebenchId],
    ['django-py3.11', py311Id],
  ] as const)('reads the verbosity-2 log of %s', (name, id) => {
    const { run, log } = recordedRun(name);
    const runner = testRunnerFor(run.testCmd, run.repo);
    expect(runner.name).toBe('django');
    expect(runner.outcomes(Object.keys(djangoExpected(id)), log)).toEqual(djangoExpected(id));
  });

  it('finds ids in either description form in either log', () => {
    const { run, log } = recordedRun('django-py3.11');
    expect(testRunnerFor(run.testCmd, run.repo).outcomes(Object.keys(djangoExpected(swebenchId)), log)).toEqual(djangoExpected(swebenchId));
  });

  it('runs the modules the ids live in', () => {
    const runner = testRunnerFor('./tests/runtests.py --settings=test_sqlite', 'django/django');
    const input = {
      testCmd: './tests/runtests.py --settings=test_sqlite',
      testIds: [swebenchId('test_a', 'admin_views.tests.AdminTests'), py311Id('test_b', 'admin_views.tests.OtherTests'), swebenchId('test_c', 'forms_tests.tests.test_input_formats.LocalizedTests')],
      testFiles: ['tests/admin_views/tests.py'],
      junitPath: '/tmp/j.xml',
    };
    expect(runner.command(input)).toBe(`./tests/runtests.py --settings=test_sqlite --verbosity 2 'admin_views.tests' 'forms_tests.tests.test_input_formats'`);
  });

  it('adds the test files as modules when an id is a docstring', () => {
    expect(djangoTestLabels([swebenchId('test_a', 'admin_views.tests.AdminTests'), 'Regression for #1.'], ['tests/admin_views/tests.py', 'tests/auth_tests/test_views.py', 'tests/auth_tests/fixtures/data.json'])).toEqual([
      'admin_views.tests',
      'auth_tests.test_views',
    ]);
  });

  it('uses SWE-bench\'s Django command when the instance names another', () => {
    const command = testRunnerFor(undefined, 'django/django').command({ testCmd: 'python3 -m pytest -p no:cacheprovider -rA', testIds: [swebenchId('test_a', 'm.tests.T')], testFiles: [], junitPath: '/x' });
    expect(command).toBe(`./tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 'm.tests'`);
  });
});

describe('unittest test names', () => {
  it('turns both description forms into the dotted name', () => {
    expect(dottedTestName('test_m (pkg.mod.Class)')).toBe('pkg.mod.Class.test_m');
    expect(dottedTestName('test_m (pkg.mod.Class.test_m)')).toBe('pkg.mod.Class.test_m');
    expect(dottedTestName('pkg.mod.Class.test_m')).toBe('pkg.mod.Class.test_m');
    expect(dottedTestName('Regression for #20509.')).toBeUndefined();
  });
});
