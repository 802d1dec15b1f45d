import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { testRunnerFor } from '../../core/grading/testRunners';
import { recordedRun, recordedRuns } from '../unit/fixtures/testRunners/scenarios';
import { ROOT } from './support/processes';

// swe-rl grades in the TypeScript sandbox workers, which hold no Python; the `swebench` package
// (a dev dependency) is the reference its runners are checked against. On every recorded real run
// (pytest, Django's runtests.py, sympy's bin/test), a test SWE-bench's parser counts as passed
// (PASSED or XFAIL) is passed for swe-rl, and one it counts as failed or error is not. swe-rl reads
// more than SWE-bench's text parsers do; each test it passes that they do not name is listed here
// with the reason, so a change on either side shows.
const SWEBENCH_MISSES: Record<string, string> = {
  // -rA prints `XPASS id`: not a status of swebench's parser; pytest's JUnit counts it passed.
  'pytest-junit tests/test_calc.py::test_xpass': 'XPASS',
  // Ids holding spaces: swebench's parser splits the line on whitespace.
  'pytest-junit tests/test_calc.py::test_param[a b]': 'space in id',
  'pytest-junit tests/test_calc.py::test_param[1 2': 'space in id',
  // A wrapper script running pytest -v without -rA: swebench's parser reads -rA summary lines only.
  'pytest-verbose-wrapper tests/test_calc.py::test_add': 'verbose output',
  'pytest-verbose-wrapper tests/test_calc.py::test_xfail': 'verbose output',
  'pytest-verbose-wrapper tests/test_calc.py::test_xpass': 'verbose output',
  'pytest-verbose-wrapper tests/test_calc.py::test_param[a b]': 'verbose output',
  'pytest-verbose-wrapper tests/test_calc.py::test_param[x[1]]': 'verbose output',
  'pytest-verbose-wrapper tests/test_calc.py::test_param[m::n]': 'verbose output',
  'pytest-verbose-wrapper tests/test_calc.py::test_param[1 2': 'verbose output',
  'pytest-verbose-wrapper tests/test_calc.py::TestDiv::test_ok': 'verbose output',
  // unittest's `... expected failure`: passed for swe-rl (as pytest's XFAIL is for SWE-bench).
  'django-py3.8 test_wrap_known_bug (utils_tests.test_text.TestUtilsText)': 'expected failure',
  'django-py3.11 test_wrap_known_bug (utils_tests.test_text.TestUtilsText.test_wrap_known_bug)': 'expected failure',
  // A test that prints: its `ok` lands on a later line.
  'sympy test_prints': 'ok on a later line',
  // The last test of a file: `test_only_here ok   [OK]`.
  'sympy test_only_here': 'file summary on the same line',
};

describe('the test runners against the swebench package', () => {
  it("agree with SWE-bench's log parsers wherever they report a test", () => {
    const python = path.join(ROOT, '.venv', 'bin', 'python');
    const fixtures = path.join(ROOT, 'test', 'unit', 'fixtures', 'testRunners');
    const output = execFileSync(python, [path.join(__dirname, 'support', 'swebench_log_outcomes.py'), fixtures], { encoding: 'utf8' });
    const swebench = JSON.parse(output) as Record<string, Record<string, string>>;
    expect(Object.keys(swebench).sort()).toEqual(recordedRuns.filter((r) => ['pytest', 'django', 'sympy'].includes(r.runner)).map((r) => r.name).sort());

    const disagreements: string[] = [];
    const misses: string[] = [];
    let reported = 0;
    for (const name of Object.keys(swebench)) {
      const { run, log, junitXml } = recordedRun(name);
      const ours = testRunnerFor(run.testCmd, run.repo).outcomes(run.testIds, log, junitXml);
      for (const id of run.testIds) {
        const status = swebench[name][id];
        const passedForSwebench = status === 'PASSED' || status === 'XFAIL';
        if (status !== undefined) reported++;
        if (status !== undefined && passedForSwebench !== (ours[id] === 'passed')) disagreements.push(`${name} ${id}: swe-rl ${ours[id]}, swebench ${status}`);
        if (status === undefined && ours[id] === 'passed') misses.push(`${name} ${id}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(reported).toBeGreaterThan(30);
    expect(misses.sort()).toEqual(Object.keys(SWEBENCH_MISSES).sort());
  });
});
