import { junitKeyForNodeId, outcomesForNodeIds, parseJunitReport } from '../../../core/grading/junitReport';
import { filesInDiff, looksLikeTestFile } from '../../../core/grading/diffFiles';
import { verdictFromOutcomes } from '../../../core/grading/verdict';

const report = `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5">
<testcase classname="tests.test_calc" name="test_add" time="0.001" />
<testcase classname="tests.test_calc" name="test_sub" time="0.001"><failure message="assert 1 == 2">trace</failure></testcase>
<testcase classname="tests.test_calc.TestDiv" name="test_zero[a&amp;b]" time="0.001"><skipped message="skip" /></testcase>
<testcase classname="tests.test_calc" name="test_teardown" time="0.001"><error message="teardown">x</error></testcase>
<testcase classname="tests.sub.test_deep" name="test_ok" time="0.001" />
</testsuite></testsuites>`;

describe('JUnit report', () => {
  it('keys node ids like pytest names test cases', () => {
    expect(junitKeyForNodeId('tests/test_calc.py::test_add')).toBe('tests.test_calc::test_add');
    expect(junitKeyForNodeId('tests/test_calc.py::TestDiv::test_zero[a&b]')).toBe('tests.test_calc.TestDiv::test_zero[a&b]');
  });

  it('reads each outcome and marks absent tests missing', () => {
    const outcomes = outcomesForNodeIds(parseJunitReport(report), [
      'tests/test_calc.py::test_add',
      'tests/test_calc.py::test_sub',
      'tests/test_calc.py::TestDiv::test_zero[a&b]',
      'tests/test_calc.py::test_teardown',
      'tests/sub/test_deep.py::test_ok',
      'tests/test_calc.py::test_never_ran',
    ]);
    expect(outcomes).toEqual({
      'tests/test_calc.py::test_add': 'passed',
      'tests/test_calc.py::test_sub': 'failed',
      'tests/test_calc.py::TestDiv::test_zero[a&b]': 'skipped',
      'tests/test_calc.py::test_teardown': 'error',
      'tests/sub/test_deep.py::test_ok': 'passed',
      'tests/test_calc.py::test_never_ran': 'missing',
    });
  });

  it('refuses a document that is not a JUnit report', () => {
    expect(() => parseJunitReport('<html></html>')).toThrow(/no <testsuite>/);
  });
});

describe('verdictFromOutcomes', () => {
  it('rewards 1 only when every listed test passed', () => {
    expect(verdictFromOutcomes({ a: 'passed' }, { b: 'passed' })).toEqual({ reward: 1, reason: 'all_tests_passed', failing: [] });
    expect(verdictFromOutcomes({ a: 'passed' }, { b: 'missing' }).reward).toBe(0);
    expect(verdictFromOutcomes({ a: 'skipped' }, {}).failing).toEqual(['a']);
  });
});

describe('diff files', () => {
  it('lists the files a diff touches', () => {
    const diff = [
      'diff --git a/pkg/calc.py b/pkg/calc.py',
      '--- a/pkg/calc.py',
      '+++ b/pkg/calc.py',
      '@@ -1 +1 @@',
      '-x',
      '+y',
      'diff --git a/tests/test_new.py b/tests/test_new.py',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/tests/test_new.py',
    ].join('\n');
    expect(filesInDiff(diff).sort()).toEqual(['pkg/calc.py', 'tests/test_new.py']);
  });

  it('recognises test files', () => {
    expect(looksLikeTestFile('tests/test_calc.py')).toBe(true);
    expect(looksLikeTestFile('pkg/calc_test.py')).toBe(true);
    expect(looksLikeTestFile('conftest.py')).toBe(true);
    expect(looksLikeTestFile('pkg/contest.py')).toBe(false);
  });
});
