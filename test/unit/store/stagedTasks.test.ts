import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readStagedTask, stageTask, taskOf } from '../../../activities/store/stagedTasks';
import { episodeTask, episodeWorkflowInputSchema } from '../../../core/episodeInput';

const record = (id: string, statement = 'The parser drops the last field.') => ({
  instance_id: id,
  repo: 'acme/parser',
  base_commit: 'a'.repeat(40),
  problem_statement: statement,
  patch: 'diff --git a/x b/x\n',
  test_patch: 'diff --git a/t b/t\n',
  FAIL_TO_PASS: ['tests/test_x.py::test_last_field'],
  PASS_TO_PASS: Array.from({ length: 500 }, (_, i) => `tests/test_x.py::test_kept_${i}`),
});

describe('tasks staged in the run folder', () => {
  let dir: string;
  let taskFile: string;
  const runsDir = () => path.join(dir, 'runs');

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-staged-'));
    taskFile = path.join(dir, 'tasks.jsonl');
    writeFileSync(taskFile, [record('acme__parser-1'), record('acme__parser-2')].map((t) => JSON.stringify(t)).join('\n') + '\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a task once and hands out a small reference that reads back the same record', async () => {
    const ref = await stageTask({ file: taskFile, instanceId: 'acme__parser-2', runsDir: runsDir(), runId: 'r1' });
    expect(ref.instanceId).toBe('acme__parser-2');
    expect(ref.file).toBe(path.join(runsDir(), 'r1', 'tasks', `acme__parser-2.${ref.sha256.slice(0, 16)}.json`));
    expect(JSON.stringify(ref).length).toBeLessThan(300);
    expect(readStagedTask(ref)).toMatchObject({ instance_id: 'acme__parser-2', PASS_TO_PASS: record('x').PASS_TO_PASS });
    // A retry, or another group of the same task, finds the same file.
    expect(await stageTask({ file: taskFile, instanceId: 'acme__parser-2', runsDir: runsDir(), runId: 'r1' })).toEqual(ref);
    expect(readdirSync(path.join(runsDir(), 'r1', 'tasks'))).toHaveLength(1);
  });

  it('stages a changed record under a new name, so an older reference still reads its own', async () => {
    const before = await stageTask({ file: taskFile, instanceId: 'acme__parser-1', runsDir: runsDir(), runId: 'r1' });
    writeFileSync(taskFile, JSON.stringify(record('acme__parser-1', 'Reworded.')) + '\n');
    const after = await stageTask({ file: taskFile, instanceId: 'acme__parser-1', runsDir: runsDir(), runId: 'r1' });
    expect(after.file).not.toBe(before.file);
    expect(readStagedTask(before).problem_statement).toBe('The parser drops the last field.');
    expect(readStagedTask(after).problem_statement).toBe('Reworded.');
  });

  it('refuses a staged file that does not match its digest, and retries a missing one', async () => {
    const ref = await stageTask({ file: taskFile, instanceId: 'acme__parser-1', runsDir: runsDir(), runId: 'r2' });
    writeFileSync(ref.file, JSON.stringify(record('acme__parser-1', 'tampered')));
    expect(() => readStagedTask(ref)).toThrow(expect.objectContaining({ type: 'InvalidInput', nonRetryable: true, message: expect.stringContaining('does not match its sha256') }));
    const missing = { ...ref, file: path.join(dir, 'gone.json') };
    expect(() => readStagedTask(missing)).toThrow(/missing from the store/);
    expect(() => readStagedTask(missing)).not.toThrow(expect.objectContaining({ nonRetryable: true }));
  });

  it('gives activities their task by value (older histories) or by reference', async () => {
    const ref = await stageTask({ file: taskFile, instanceId: 'acme__parser-1', runsDir: runsDir(), runId: 'r3' });
    const byValue = record('acme__parser-9');
    expect(taskOf({ task: byValue }, 'gradeEpisode')).toBe(byValue);
    expect(taskOf({ taskRef: ref }, 'gradeEpisode').instance_id).toBe('acme__parser-1');
    expect(() => taskOf({}, 'gradeEpisode')).toThrow(/gradeEpisode: neither task nor taskRef/);
  });
});

describe('the episode input', () => {
  const base = {
    runsDir: '/runs', runId: 'r', episodeKey: 'p/t/s0/a0', sample: 0, attempt: 0,
    policy: { serverUrl: 'http://127.0.0.1:1', model: 'm', sampling: {}, requestTimeoutSeconds: 10 },
    limits: { maxTurns: 2, contextTokens: 4096, maxTokensPerTurn: 64, commandTimeoutSeconds: 10, maxObservationChars: 400, testTimeoutSeconds: 60 },
  };

  it('takes the task by reference or by value, and names taskRef when it has neither', () => {
    const taskRef = { file: '/runs/r/tasks/t.0123456789abcdef.json', instanceId: 't', sha256: 'f'.repeat(64) };
    const byRef = episodeWorkflowInputSchema.parse({ ...base, taskRef });
    expect(episodeTask(byRef)).toEqual({ instanceId: 't', arg: { taskRef } });
    const byValue = episodeWorkflowInputSchema.parse({ ...base, task: record('acme__parser-1') });
    expect(episodeTask(byValue).instanceId).toBe('acme__parser-1');
    const neither = episodeWorkflowInputSchema.safeParse(base);
    expect(neither.success).toBe(false);
    expect(neither.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['taskRef', 'task or taskRef is required']]);
  });
});
