import { randomUUID } from 'node:crypto';
import { INITIAL_SHELL_STATE, readSubmission, runAgentCommand, setupEpisodeSandbox } from '../../activities/sandbox/agentSandbox';
import { gradePatch } from '../../activities/sandbox/grading';
import { destroySandbox } from '../../activities/sandbox/sandboxActivities';
import { parseAction } from '../../core/agent/parseAction';
import type { ShellState } from '../../core/agent/shellCommand';
import { makeCalcTask } from './support/fixtureRepo';
import { requireDocker } from './support/services';

// The paper's tools in a real sandbox: a scripted "agent" fixes the fixture bug through them, and
// the patch it submits earns reward 1 in a fresh grading container.
describe('agent tools in a real sandbox', () => {
  const { reposDir, task } = makeCalcTask();
  const sandboxId = `sbx-tools-${randomUUID().slice(0, 8)}`;
  let state: ShellState = INITIAL_SHELL_STATE;
  let baseHead = '';

  const act = async (reply: string) => {
    const action = parseAction(reply);
    if (action.kind !== 'command') throw new Error(`expected a command, got ${JSON.stringify(action)}`);
    const result = await runAgentCommand({ sandboxId, command: action.command, state, timeoutSeconds: 30, maxObservationChars: 8000 });
    state = result.state;
    return result;
  };

  beforeAll(async () => {
    await requireDocker();
    baseHead = (await setupEpisodeSandbox({ sandboxId, task, reposDir, runId: 'tools-test', episodeId: sandboxId })).baseHead;
  });

  afterAll(async () => {
    await destroySandbox(sandboxId);
  });

  it('is idempotent: setting the sandbox up again keeps the repository', async () => {
    const again = await setupEpisodeSandbox({ sandboxId, task, reposDir, runId: 'tools-test', episodeId: sandboxId });
    expect(again.baseHead).toBe(baseHead);
  });

  it('opens a file with numbered lines and ends with the prompt line', async () => {
    const result = await act('Let me look at the code.\n```bash\nopen calc/sums.py 8\n```');
    expect(result.observation).toMatch(/\[File: \/testbed\/calc\/sums\.py \(11 lines total\)\]/);
    expect(result.observation).toMatch(/8:\s+for i in range\(len\(values\) - 1\):/);
    expect(result.observation.trim().split('\n').pop()).toBe('(Current directory: /testbed, current file: /testbed/calc/sums.py) bash-$');
  });

  it('keeps the working directory and the open file between separate commands', async () => {
    await act('```\ncd calc\n```');
    const result = await act('```\npwd && search_file range\n```');
    expect(result.observation).toMatch(/^\/testbed\/calc$/m);
    expect(result.observation).toMatch(/8:.*range\(len\(values\) - 1\)/);
    expect(state).toEqual({ cwd: '/testbed/calc', openFile: '/testbed/calc/sums.py' });
  });

  it('edits with a heredoc, literal whitespace, and the tests then pass', async () => {
    const edit = await act("Fix the off-by-one.\n```bash\nedit 8:8 <<'EOF'\n    for i in range(len(values)):\nEOF\n```");
    expect(edit.exitCode).toBe(0);
    const run = await act('```\ncd /testbed && python3 -c "from calc.sums import running_total as r; print(r([1, 2, 3]))"\n```');
    expect(run.observation).toMatch(/\[1, 3, 6\]/);
  });

  it('reports a failing command with its exit code', async () => {
    const result = await act('```\ngrep -q nothing-like-this calc/sums.py\n```');
    expect(result.exitCode).toBe(1);
    expect(result.observation).toMatch(/\(exit code 1\)/);
  });

  it('submits a patch that the grader rewards', async () => {
    await act('```\ntouch scratch_notes.txt && rm scratch_notes.txt && python3 -m pytest -q >/dev/null; echo done\n```');
    expect(parseAction('All good.\n```\nsubmit\n```').kind).toBe('submit');
    const { patch } = await readSubmission(sandboxId, baseHead);
    expect(patch).toMatch(/-    for i in range\(len\(values\) - 1\):\n\+    for i in range\(len\(values\)\):/);
    expect(patch).not.toMatch(/__pycache__|pytest_cache/);
    const grade = await gradePatch({ task, patch, reposDir, gradeId: `tools-${randomUUID().slice(0, 8)}`, runId: 'tools-test' });
    expect(grade).toMatchObject({ reward: 1, reason: 'all_tests_passed' });
  });
});
