import { recordStage, storeEpisode, tempRunsDir } from './storedRun';

export const RUN = 'show-run';
export const FAILED_KEY = 'it-0002/calc__add-1/s0/a0';
export const RESOLVED_KEY = 'it-0002/calc__add-1/s1/a0';
export const LOST_KEY = 'rft/other__task-2/s0/a0';
export const RUNNING_KEY = 'it-0003/calc__add-1/s0/a0';

/** 200 numbered lines with markup in the middle, which a page must show as text. */
export const LONG_OBSERVATION = Array.from({ length: 200 }, (_, i) => (i === 100 ? '<script>alert("x")</script> & more' : `line ${i + 1}`)).join('\n');

/**
 * A run folder with four episodes written by the store's functions: one graded and failed (a long
 * observation, a malformed turn), one resolved, one lost to an infrastructure failure, one still
 * running; and metrics naming iteration 2's stage.
 */
export async function buildFixtureRun(): Promise<string> {
  const runsDir = tempRunsDir();
  const ref = (episodeKey: string) => ({ runsDir, runId: RUN, episodeKey });
  await recordStage(runsDir, RUN, 2, 'stage-one');
  await storeEpisode(ref(FAILED_KEY), {
    issue: 'add() returns the wrong sum for negative numbers',
    turns: [
      { reply: 'Let me look at the file.\n```\ncat -n calc.py\n```', observation: LONG_OBSERVATION },
      { reply: 'Two at once.\n```\nls\n```\n```\npwd\n```' },
      { reply: 'Fix the sign.\n```\nsed -i "s/a - b/a + b/" calc.py\n```', observation: '', exitCode: 0 },
      { reply: 'Done.\n```\nsubmit\n```' },
    ],
    patch: 'diff --git a/calc.py b/calc.py\n-    return a - b\n+    return a + b\n',
    grade: {
      reward: 0,
      reason: 'tests_failed',
      tests: {
        FAIL_TO_PASS: { 'tests/test_calc.py::test_negative': 'passed', 'tests/test_calc.py::test_overflow': 'failed' },
        PASS_TO_PASS: { 'tests/test_calc.py::test_zero': 'passed', 'tests/test_calc.py::test_big': 'error' },
      },
      modified_tests: [],
      duration_ms: 900,
      log: '$ apply model patch (exit 0, 10 ms)\nok\n$ apply test patch (exit 0, 12 ms)\nok\n$ run tests (exit 1, 800 ms)\n1 failed, 1 error',
    },
    summary: { endReason: 'submitted' },
  });
  await storeEpisode(ref(RESOLVED_KEY), {
    issue: 'add() returns the wrong sum for negative numbers',
    turns: [{ reply: 'Apply.\n```\ngit apply fix.patch\n```', observation: 'applied', exitCode: 0 }, { reply: '```\nsubmit\n```' }],
    patch: 'diff --git a/calc.py b/calc.py\n',
    grade: {
      reward: 1, reason: 'all_tests_passed', modified_tests: [], duration_ms: 700,
      tests: { FAIL_TO_PASS: { 'tests/test_calc.py::test_negative': 'passed' }, PASS_TO_PASS: {} },
      log: '$ run tests (exit 0, 600 ms)\n1 passed',
    },
    summary: { endReason: 'submitted' },
  });
  await storeEpisode(ref(LOST_KEY), {
    issue: 'another issue',
    turns: [{ reply: '```\nls\n```', observation: 'README', exitCode: 0 }],
    summary: { status: 'failed', endReason: 'sandbox_lost', testReward: 0, gradeReason: 'sandbox_error', error: 'the sandbox host went away' },
  });
  await storeEpisode(ref(RUNNING_KEY), { issue: 'add() again', turns: [{ reply: '```\nls\n```' }] });
  return runsDir;
}
