import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EpisodeSummary } from '../../activities/store/episodeActivities';
import { readTurns } from '../../activities/store/episodeStore';
import { showCommand } from '../../cli/commands/show';
import type { EpisodeInput } from '../../core/episodeInput';
import { TASK_QUEUES } from '../../core/taskQueues';
import { escapeHtml } from '../../core/transcript/htmlEscape';
import { makeCalcTask } from './support/fixtureRepo';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { PYTHON, startPolicyServer, type StartedProcess } from './support/pythonServices';

/** Runs `swe-rl show` and returns what it printed on stdout. */
async function show(opts: Parameters<typeof showCommand>[0]): Promise<string> {
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(`${args.join(' ')}\n`));
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    expect(await showCommand(opts)).toBe(0);
  } finally {
    [log, write, err].forEach((spy) => spy.mockRestore());
  }
  return printed.join('');
}

// A real episode (scripted policy playing the gold patch through the policy server's API, a
// Docker sandbox, grading in a fresh container) leaves its files in a run folder; `swe-rl show`
// renders that folder as text and as an HTML page.
describe('swe-rl show renders an episode the workers stored', () => {
  let services: PipelineServices;
  let scripted: StartedProcess & { url: string };
  const { reposDir, task } = makeCalcTask();
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-show-'));
  const runId = `show-${randomUUID().slice(0, 8)}`;
  const episodeKey = `it-0001/${task.instance_id}/s0/a0`;

  beforeAll(async () => {
    const taskFile = path.join(runsDir, 'tasks.jsonl');
    writeFileSync(taskFile, `${JSON.stringify(task)}\n`);
    const scriptFile = path.join(runsDir, 'script.json');
    const written = spawnSync(PYTHON, ['-m', 'swe_rl_trainer.scripted_policy', '--tasks', taskFile, '--out', scriptFile], { encoding: 'utf8' });
    if (written.status !== 0) throw new Error(written.stderr);
    services = await startPipelineServices({ trainer: false });
    scripted = await startPolicyServer(services.modelDir, ['--script', scriptFile]);
  });

  afterAll(async () => {
    await scripted?.stop();
    await services?.stop();
  });

  it('prints the commands, observations and grade as text and HTML, and lists the episode', async () => {
    const input: EpisodeInput = {
      runsDir, runId, reposDir, task, episodeKey, sample: 0, attempt: 0, promptStyle: 'compact',
      policy: { serverUrl: scripted.url, model: 'policy', sampling: { temperature: 1, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1 }, requestTimeoutSeconds: 60 },
      limits: { maxTurns: 5, contextTokens: 4096, maxTokensPerTurn: 1024, commandTimeoutSeconds: 30, maxObservationChars: 1500, testTimeoutSeconds: 60 },
    };
    const summary = (await services.client.workflow.execute('episode', { taskQueue: TASK_QUEUES.orchestrator, workflowId: `${runId}/${episodeKey}`, args: [input] })) as EpisodeSummary;
    expect(summary).toMatchObject({ status: 'completed', endReason: 'submitted', testReward: 1 });
    const turns = readTurns({ runsDir, runId, episodeKey });
    const commands = turns.flatMap((t) => (t.policy.action.kind === 'command' ? [t.policy.action.command] : []));
    const observations = turns.flatMap((t) => (t.observation ? [t.observation] : []));
    expect(commands.length).toBeGreaterThan(0);
    expect(observations.length).toBeGreaterThan(0);
    const tests = [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS];

    const text = await show({ runId, runsDir, episode: `${runId}/${episodeKey}` });
    expect(text).toContain(`task: ${task.instance_id}`);
    expect(text).toContain('iteration: 1');
    for (const command of commands) expect(text).toContain(`$ ${command.split('\n')[0]}`);
    for (const observation of observations) expect(text).toContain(observation.split('\n')[0]);
    expect(text).toContain('$ submit');
    expect(text).toContain('grade: reward 1, all_tests_passed   test runner exit code: 0');
    expect(text).toContain('failing tests (0):');
    for (const id of tests) expect(text).toContain(`PASSED  ${id}`);

    const page = path.join(runsDir, 'episode.html');
    await show({ runId, runsDir, episode: episodeKey, html: page });
    const html = readFileSync(page, 'utf8');
    for (const command of commands) expect(html).toContain(escapeHtml(command));
    for (const observation of observations) expect(html).toContain(escapeHtml(observation));
    expect(html).toContain('reward 1, all_tests_passed');
    for (const id of tests) expect(html).toContain(escapeHtml(id));
    expect(html).not.toMatch(/<(script|link|img)\b/i);

    const rows = JSON.parse(await show({ runId, runsDir, json: true, outcome: 'resolved' })) as unknown[];
    expect(rows).toEqual([{ episode: episodeKey, iteration: 1, stage: null, task: task.instance_id, reward: 1, outcome: 'resolved', endReason: 'submitted', turns: turns.length }]);
  });
});
