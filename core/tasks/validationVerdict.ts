import type { TestOutcome } from '../grading/junitReport';

export interface GradeSummary {
  reward: 0 | 1;
  reason: string;
  tests: { FAIL_TO_PASS: Record<string, TestOutcome>; PASS_TO_PASS: Record<string, TestOutcome> };
}

export interface TaskValidation {
  instance_id: string;
  valid: boolean;
  flaky: boolean;
  problems: string[];
}

/**
 * A task is valid when, on every run, the gold patch passes all its tests and the empty patch
 * fails every FAIL_TO_PASS test while PASS_TO_PASS still passes. Runs that disagree make it flaky.
 */
export function judgeTaskValidation(instanceId: string, gold: GradeSummary[], empty: GradeSummary[]): TaskValidation {
  const problems: string[] = [];
  gold.forEach((g, i) => {
    if (g.reward !== 1) {
      const failing = failingTests(g);
      problems.push(`gold patch run ${i + 1}: ${g.reason}${failing.length ? ` (${failing.join(', ')})` : ''}`);
    }
  });
  empty.forEach((e, i) => {
    if (e.reason === 'test_patch_does_not_apply' || e.reason === 'no_test_report' || e.reason === 'test_run_timed_out') {
      problems.push(`empty patch run ${i + 1}: ${e.reason}`);
      return;
    }
    const passingF2P = Object.entries(e.tests.FAIL_TO_PASS).filter(([, o]) => o === 'passed').map(([id]) => id);
    if (passingF2P.length) problems.push(`empty patch run ${i + 1}: FAIL_TO_PASS already passes: ${passingF2P.join(', ')}`);
    const failingP2P = Object.entries(e.tests.PASS_TO_PASS).filter(([, o]) => o !== 'passed').map(([id]) => id);
    if (failingP2P.length) problems.push(`empty patch run ${i + 1}: PASS_TO_PASS fails without any patch: ${failingP2P.join(', ')}`);
  });
  const flaky = !allSame(gold.map(signature)) || !allSame(empty.map(signature));
  if (flaky) problems.push('runs disagree: outcomes differ between repeated runs');
  return { instance_id: instanceId, valid: problems.length === 0, flaky, problems };
}

function failingTests(g: GradeSummary): string[] {
  return Object.entries({ ...g.tests.PASS_TO_PASS, ...g.tests.FAIL_TO_PASS })
    .filter(([, o]) => o !== 'passed')
    .map(([id, o]) => `${id}: ${o}`);
}

function signature(g: GradeSummary): string {
  return JSON.stringify([g.reward, g.reason, g.tests]);
}

function allSame(values: string[]): boolean {
  return values.every((v) => v === values[0]);
}
