import type { TestOutcome } from './junitReport';

export type GradeReason =
  | 'all_tests_passed'
  | 'tests_failed'
  | 'empty_patch'
  | 'patch_does_not_apply'
  | 'test_patch_does_not_apply'
  | 'test_run_timed_out'
  | 'no_test_report'
  | 'sandbox_error';

export interface GradeVerdict {
  reward: 0 | 1;
  reason: GradeReason;
  failing: string[];
}

/** R = 1 only when every FAIL_TO_PASS and PASS_TO_PASS test passed (a missing test is a failure). */
export function verdictFromOutcomes(
  failToPass: Record<string, TestOutcome>,
  passToPass: Record<string, TestOutcome>,
): GradeVerdict {
  const failing = Object.entries({ ...passToPass, ...failToPass })
    .filter(([, outcome]) => outcome !== 'passed')
    .map(([id]) => id);
  return failing.length === 0
    ? { reward: 1, reason: 'all_tests_passed', failing }
    : { reward: 0, reason: 'tests_failed', failing };
}
