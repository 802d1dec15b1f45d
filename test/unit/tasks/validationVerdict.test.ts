import { judgeTaskValidation, type GradeSummary } from '../../../core/tasks/validationVerdict';

const grade = (reward: 0 | 1, f2p: string, p2p: string, reason = reward ? 'all_tests_passed' : 'tests_failed'): GradeSummary => ({
  reward,
  reason,
  tests: { FAIL_TO_PASS: { f: f2p as never }, PASS_TO_PASS: { p: p2p as never } },
});

describe('judgeTaskValidation', () => {
  it('accepts gold passing and empty failing F2P on every run', () => {
    const v = judgeTaskValidation('t', [grade(1, 'passed', 'passed'), grade(1, 'passed', 'passed')], [grade(0, 'failed', 'passed'), grade(0, 'failed', 'passed')]);
    expect(v).toEqual({ instance_id: 't', valid: true, flaky: false, problems: [] });
  });

  it('rejects a gold patch that fails, naming the failing test', () => {
    const v = judgeTaskValidation('t', [grade(0, 'failed', 'passed')], [grade(0, 'failed', 'passed')]);
    expect(v.valid).toBe(false);
    expect(v.problems.join()).toMatch(/gold patch run 1: tests_failed \(f: failed\)/);
  });

  it('rejects FAIL_TO_PASS that already passes and PASS_TO_PASS that fails without a patch', () => {
    const v = judgeTaskValidation('t', [grade(1, 'passed', 'passed')], [grade(0, 'passed', 'failed')]);
    expect(v.problems.join()).toMatch(/FAIL_TO_PASS already passes: f/);
    expect(v.problems.join()).toMatch(/PASS_TO_PASS fails without any patch: p/);
  });

  it('marks disagreeing runs flaky', () => {
    const v = judgeTaskValidation('t', [grade(1, 'passed', 'passed'), grade(0, 'failed', 'passed')], [grade(0, 'failed', 'passed')]);
    expect(v.flaky).toBe(true);
    expect(v.valid).toBe(false);
  });
});
