import { INITIAL_RUN_STATE, resumedState, runStateSchema } from '../../../core/runState';

const after = (iteration: number, trainerStep: number, extra: Record<string, unknown> = {}) =>
  runStateSchema.parse({ ...INITIAL_RUN_STATE, rftDone: true, iteration, iterationInStage: iteration, policyVersion: trainerStep, trainerStep, ...extra });

describe('the state a stopped run resumes with', () => {
  it('continues a terminated or failed run from the state its last execution started with', () => {
    for (const status of ['TERMINATED', 'FAILED', 'CANCELLED', 'TIMED_OUT']) {
      const state = resumedState('r', { status, startState: after(3, 6) });
      expect(state).toMatchObject({ iteration: 3, trainerStep: 6, policyVersion: 6, rollbackTo: 6, retry: 1, resumes: 1, paused: false, draining: false });
    }
  });

  it('continues a drained run from its final state, not the one its last execution started with', () => {
    const state = resumedState('r', { status: 'COMPLETED', startState: after(3, 6), result: { outcome: 'drained', state: after(4, 8, { draining: true }) } });
    expect(state).toMatchObject({ iteration: 4, trainerStep: 8, rollbackTo: 8, draining: false });
  });

  it('unpauses, and gives the redone phase fresh ids after earlier retries', () => {
    const state = resumedState('r', { status: 'TERMINATED', startState: after(2, 2, { paused: true, pausedReason: 'too many failed episodes', retry: 2, resumes: 1 }) });
    expect(state).toMatchObject({ paused: false, pausedReason: null, retry: 3, resumes: 2 });
  });

  it('starts a run that never finished its first execution from the beginning, rolled back to step 0', () => {
    expect(resumedState('r', { status: 'TERMINATED' })).toMatchObject({ iteration: 0, trainerStep: 0, rollbackTo: 0, retry: 1 });
  });

  it('refuses a running or completed run, and says why', () => {
    expect(() => resumedState('r', { status: 'RUNNING' })).toThrow(/run r is running/);
    expect(() => resumedState('r', { status: 'COMPLETED', result: { outcome: 'completed' } })).toThrow(/run r completed: there is nothing to resume/);
    expect(() => resumedState('r', { status: 'FAILED', startState: { iteration: -1 } })).toThrow(/its last state cannot be read/);
  });
});
