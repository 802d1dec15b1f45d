import { episodeOutcome } from '../../../core/episodeOutcome';
import {
  MAX_SUMMARY_CHARS,
  commandResultSummary,
  commandTurnSummary,
  episodeDetails,
  episodeOutcomeSummary,
  episodeSummary,
  evalRunSummary,
  oneLine,
  policyTurnSummary,
  rftRunSummary,
  rlIterationSummary,
  taskGroupSummary,
  trainStepsSummary,
} from '../../../core/summaries';

describe('episode outcomes', () => {
  it('is resolved with reward 1, unresolved when it ran to its end without, failed on an infrastructure failure', () => {
    expect(episodeOutcome({ status: 'completed', testReward: 1 })).toBe('resolved');
    expect(episodeOutcome({ status: 'completed', testReward: 0 })).toBe('unresolved');
    expect(episodeOutcome({ status: 'failed', testReward: 0 })).toBe('failed');
  });
});

describe('one-line summaries', () => {
  it('collapses newlines and runs of whitespace', () => {
    expect(oneLine('cat <<EOF\n  a\n\tb\nEOF\n')).toBe('cat <<EOF a b EOF');
  });

  it('cuts a long text to the limit with an ellipsis', () => {
    const line = oneLine('x'.repeat(5000));
    expect(line).toHaveLength(MAX_SUMMARY_CHARS);
    expect(line.endsWith('…')).toBe(true);
    expect(oneLine('abcdef', 4)).toBe('abc…');
  });

  it('masks secret-looking assignments and bearer tokens', () => {
    const line = oneLine('GITHUB_TOKEN=ghp_abc123 API_KEY="s e c" password: hunter2 curl -H "Authorization: Bearer abcdefgh12345" x=1');
    expect(line).not.toMatch(/ghp_abc123|s e c|hunter2|abcdefgh12345/);
    expect(line).toContain('GITHUB_TOKEN=***');
    expect(line).toContain('API_KEY=***');
    expect(line).toContain('x=1');
  });
});

describe('workflow summaries', () => {
  it('names an episode by task, 1-based sample of the group, attempt when retried, and where it is in the run', () => {
    expect(episodeSummary('calc-1', 2, 8, 0, { stage: 'stage1', iteration: 12 })).toBe('task calc-1, sample 3 of 8, iteration 12, stage stage1');
    expect(episodeSummary('calc-1', 0, 2, 1, { stage: 'rft', iteration: 0 })).toBe('task calc-1, sample 1 of 2, attempt 2, RFT');
    expect(episodeSummary('calc-1', 1, 2, 0, { stage: 'eval-base', iteration: 0 })).toBe('task calc-1, sample 2 of 2, evaluation base');
    expect(episodeSummary('calc-1', 0, undefined, 0, {})).toBe('task calc-1, sample 1');
  });

  it('summarises task groups, train steps, evaluations, iterations and RFT', () => {
    expect(taskGroupSummary('t', 1, { stage: 's', iteration: 3 })).toBe('task t, 1 sample, iteration 3, stage s');
    expect(trainStepsSummary('dapo', 5, 7, { stage: 's', iteration: 3 })).toBe('dapo steps 5-7 (3), iteration 3, stage s');
    expect(trainStepsSummary('sft', 1, 1, { stage: 'rft', iteration: 0 })).toBe('sft step 1, RFT');
    expect(evalRunSummary('it-0002', 4, 2)).toBe('evaluation it-0002 of policy v4, 2 runs per task');
    expect(rlIterationSummary(12, 'stage1', 4, 8)).toBe('iteration 12, stage stage1: 4 tasks x 8 samples');
    expect(rftRunSummary(1)).toBe('RFT: 1 sample per train task');
  });

  it('keeps episode details to a few bounded lines', () => {
    const details = episodeDetails('run', 'it-0001/t/s0/a0', `m${'x'.repeat(500)}`, 10);
    expect(details.split('\n')).toHaveLength(4);
    expect(details.length).toBeLessThan(4 * MAX_SUMMARY_CHARS);
  });
});

describe('activity and outcome summaries', () => {
  it('says which turn runs which command, truncated to one line', () => {
    expect(policyTurnSummary(7)).toBe('turn 7: policy');
    expect(commandTurnSummary(7, 'python -m pytest tests/test_x.py')).toBe('turn 7: python -m pytest tests/test_x.py');
    const long = commandTurnSummary(3, `cat > f.py <<'EOF'\n${'print(1)\n'.repeat(1000)}EOF`);
    expect(long.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(long).not.toContain('\n');
  });

  it('adds the exit code after the fact and keeps it when the command is cut', () => {
    expect(commandResultSummary(7, 'python -m pytest tests/test_x.py', 1)).toBe('turn 7: python -m pytest tests/test_x.py -> exit 1');
    expect(commandResultSummary(2, 'sleep 999', null)).toBe('turn 2: sleep 999 -> no exit code');
    const long = commandResultSummary(2, 'y'.repeat(1000), 0);
    expect(long.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(long.endsWith('… -> exit 0')).toBe(true);
  });

  it('states the outcome with how the episode ended', () => {
    expect(episodeOutcomeSummary('resolved', { endReason: 'submitted', gradeReason: 'tests_passed', steps: 3 })).toBe('resolved: submitted, graded tests_passed after 3 turns');
    expect(episodeOutcomeSummary('unresolved', { endReason: 'turn_limit', gradeReason: 'not_submitted', steps: 1 })).toBe('unresolved: turn_limit after 1 turn');
    expect(episodeOutcomeSummary('failed', { endReason: 'sandbox_lost', gradeReason: 'not_graded', steps: 2, error: 'gone' })).toBe('failed: sandbox_lost after 2 turns (gone)');
  });
});
