import { readStageByIteration, readStoredEpisode } from '../../../activities/store/storedEpisodes';
import { episodeKeyCandidates, episodePlace } from '../../../core/transcript/episodePlace';
import { buildTranscript, testExitCode } from '../../../core/transcript/transcriptModel';
import { buildFixtureRun, FAILED_KEY, LONG_OBSERVATION, LOST_KEY, RUN, RUNNING_KEY } from './fixtureRun';

describe('the transcript model read from a stored episode', () => {
  let runsDir: string;
  beforeAll(async () => {
    runsDir = await buildFixtureRun();
  });
  const transcriptOf = (episodeKey: string) => buildTranscript(readStoredEpisode({ runsDir, runId: RUN, episodeKey }, readStageByIteration(runsDir, RUN)));

  it('places the episode in its run: iteration and stage (from metrics), task, sample, policy', () => {
    expect(transcriptOf(FAILED_KEY)).toMatchObject({
      runId: RUN, episodeKey: FAILED_KEY, workflowId: `${RUN}/${FAILED_KEY}`, phase: 'it-0002', iteration: 2, stage: 'stage-one',
      task: 'calc__add-1', sample: 0, attempt: 0, policyVersion: 3, policy: `${RUN}@step-000003`,
    });
    expect(transcriptOf(LOST_KEY)).toMatchObject({ phase: 'rft', iteration: 0, stage: 'rft', task: 'other__task-2' });
  });

  it('keeps the issue, each thought, command and whole observation, and marks the malformed turn', () => {
    const t = transcriptOf(FAILED_KEY);
    expect(t.issue).toContain('add() returns the wrong sum for negative numbers');
    expect(t.turns.map((x) => x.kind)).toEqual(['command', 'format_error', 'command', 'submit']);
    expect(t.turns[0]).toMatchObject({ thought: 'Let me look at the file.', command: 'cat -n calc.py', observation: LONG_OBSERVATION, exitCode: 0 });
    expect(t.turns[1].formatError?.kind).toBe('multiple_commands');
    expect(t.turns[1].observation).toContain(t.turns[1].formatError?.message);
    expect(t.turns[3]).toMatchObject({ command: 'submit', observation: null });
  });

  it('lists the failing tests first, FAIL_TO_PASS before PASS_TO_PASS, and reads the test runner exit code', () => {
    const { grade, end } = transcriptOf(FAILED_KEY);
    expect(grade?.failing.map((x) => [x.id, x.group, x.outcome])).toEqual([
      ['tests/test_calc.py::test_overflow', 'FAIL_TO_PASS', 'failed'],
      ['tests/test_calc.py::test_big', 'PASS_TO_PASS', 'error'],
    ]);
    expect(grade?.passing.map((x) => x.id)).toEqual(['tests/test_calc.py::test_negative', 'tests/test_calc.py::test_zero']);
    expect(grade).toMatchObject({ reward: 0, reason: 'tests_failed', testExitCode: 1 });
    expect(end).toMatchObject({ status: 'completed', endReason: 'submitted', reward: 0, outcome: 'unresolved', steps: 4, formatErrors: 1 });
  });

  it('shows a failed episode without a grade, and one still running', () => {
    expect(transcriptOf(LOST_KEY)).toMatchObject({ grade: null, end: { status: 'failed', outcome: 'failed', endReason: 'sandbox_lost', error: 'the sandbox host went away' } });
    const running = transcriptOf(RUNNING_KEY);
    expect(running.end).toMatchObject({ status: 'in_progress', endReason: null, reward: null, steps: 1 });
    expect(running.turns[0]).toMatchObject({ command: 'ls', observation: null });
  });
});

describe('episode keys', () => {
  it('reads phase, iteration, task, sample and attempt from a key', () => {
    expect(episodePlace('it-0012-r1/a__b-3/s4/a2')).toEqual({ phase: 'it-0012-r1', iteration: 12, stage: null, task: 'a__b-3', sample: 4, attempt: 2 });
    expect(episodePlace('eval-it-0004/t/s0/a0')).toMatchObject({ iteration: 4, stage: 'eval-it-0004' });
    expect(episodePlace('eval-base-r2/t/s0/a0')).toMatchObject({ iteration: null, stage: 'eval-base' });
    expect(episodePlace('scripted/t')).toMatchObject({ phase: 'scripted', task: 't', sample: null });
  });

  it('accepts the episode workflow id as well as the key', () => {
    expect(episodeKeyCandidates('r1', 'r1/it-0001/t/s0/a0')).toEqual(['r1/it-0001/t/s0/a0', 'it-0001/t/s0/a0']);
    expect(episodeKeyCandidates('r1', 'it-0001/t/s0/a0')).toEqual(['it-0001/t/s0/a0']);
  });

  it('reads the test run exit status from grading.log', () => {
    expect(testExitCode('$ apply model patch (exit 0, 1 ms)\n$ run tests (exit 2, 5 ms)\n')).toBe(2);
    expect(testExitCode('$ apply model patch (exit 0, 1 ms)\n$ run tests (unittest) (exit 1, 5 ms)\n')).toBe(1);
    expect(testExitCode('$ apply model patch (exit 1, 1 ms)\n')).toBeNull();
  });
});
