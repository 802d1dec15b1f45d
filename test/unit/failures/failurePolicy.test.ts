import { classifyActivityFailure, countByReason, failureBudgetExceeded, retryAfresh } from '../../../core/failures/failurePolicy';

describe('classifyActivityFailure', () => {
  it('turns a host call nobody took into host_lost, and other sandbox call failures into sandbox or engine failures', () => {
    expect(classifyActivityFailure({ activityType: 'sandboxTurn', timeoutType: 'SCHEDULE_TO_START', message: 'timed out' })).toBe('host_lost');
    expect(classifyActivityFailure({ activityType: 'destroySandbox', timeoutType: 'SCHEDULE_TO_START', message: '' })).toBe('host_lost');
    expect(classifyActivityFailure({ activityType: 'sandboxTurn', failureType: 'SandboxLost', message: 'interrupted' })).toBe('sandbox_lost');
    expect(classifyActivityFailure({ activityType: 'sandboxTurn', timeoutType: 'HEARTBEAT', message: '' })).toBe('sandbox_lost');
    expect(classifyActivityFailure({ activityType: 'storeSubmission', message: 'connect ENOENT /var/run/docker.sock' })).toBe('engine_error');
  });

  it('tells placement failures apart: no slot anywhere, engine down, a broken setup', () => {
    expect(classifyActivityFailure({ activityType: 'setupEpisodeSandbox', failureType: 'NoSandboxSlot', message: 'all slots' })).toBe('no_sandbox_host');
    expect(classifyActivityFailure({ activityType: 'setupEpisodeSandbox', timeoutType: 'SCHEDULE_TO_CLOSE', message: '' })).toBe('no_sandbox_host');
    expect(classifyActivityFailure({ activityType: 'setupEpisodeSandbox', message: 'connect ECONNREFUSED' })).toBe('engine_error');
    expect(classifyActivityFailure({ activityType: 'setupEpisodeSandbox', failureType: 'SandboxImageMissing', message: 'no image' })).toBe('sandbox_setup_error');
    expect(classifyActivityFailure({ activityType: 'setupEpisodeSandbox', failureType: 'EnvironmentUnavailable', message: 'no env' })).toBe('environment_unavailable');
    expect(classifyActivityFailure({ activityType: 'gradeEpisode', failureType: 'EnvironmentUnavailable', message: 'no env' })).toBe('environment_unavailable');
    expect(retryAfresh('environment_unavailable')).toBe(false);
  });

  it('names policy, grading and store failures, and a store that disagrees wherever it shows', () => {
    expect(classifyActivityFailure({ activityType: 'policyTurn', message: 'connection refused' })).toBe('policy_error');
    expect(classifyActivityFailure({ activityType: 'gradeEpisode', message: 'boom' })).toBe('grading_error');
    expect(classifyActivityFailure({ activityType: 'finishEpisode', message: 'EIO' })).toBe('store_error');
    expect(classifyActivityFailure({ activityType: 'policyTurn', failureType: 'StoreMismatch', message: 'other sandbox' })).toBe('store_error');
    expect(classifyActivityFailure({ activityType: 'sandboxTurn', failureType: 'StoreMismatch', message: 'other sandbox' })).toBe('store_error');
    expect(classifyActivityFailure({ activityType: 'somethingElse', message: '' })).toBe('error');
  });
});

describe('retryAfresh', () => {
  it('retries lost sandboxes and hosts in a fresh sandbox, not outages that retries already rode out', () => {
    expect(['sandbox_lost', 'host_lost', 'sandbox_setup_error', 'engine_error'].every(retryAfresh)).toBe(true);
    expect(['policy_error', 'grading_error', 'store_error', 'no_sandbox_host', 'workflow_error', 'turn_limit'].some(retryAfresh)).toBe(false);
  });
});

describe('failure budget', () => {
  it('is within budget up to the fraction and names counts by reason past it', () => {
    expect(failureBudgetExceeded('it-0001', 10, { host_lost: 2 }, { maxFailedFraction: 0.2 })).toBeNull();
    const message = failureBudgetExceeded('run it-0001', 10, { grading_error: 1, host_lost: 2 }, { maxFailedFraction: 0.2 });
    expect(message).toBe('run it-0001: 3 of 10 episodes failed (30.0% > failurePolicy.maxFailedFraction 20.0%): host_lost 2, grading_error 1');
    expect(failureBudgetExceeded('empty', 0, {}, { maxFailedFraction: 0 })).toBeNull();
  });

  it('counts reasons on top of earlier counts without changing them', () => {
    const before = { host_lost: 1 };
    expect(countByReason(['host_lost', 'policy_error'], before)).toEqual({ host_lost: 2, policy_error: 1 });
    expect(before).toEqual({ host_lost: 1 });
  });
});
