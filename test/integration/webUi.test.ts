import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Browser } from 'puppeteer-core';
import type { EpisodeSummary } from '../../activities/store/episodeActivities';
import type { SharedEpisodeInput } from '../../core/episodeSettings';
import { MAX_SUMMARY_CHARS } from '../../core/summaries';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { Task } from '../../core/tasks/taskSchema';
import { searchAttributes } from '../../workflows/searchAttributes';
import { startPipelineServices, type PipelineServices } from './support/pipelineServices';
import { PYTHON, startPolicyServer, type StartedProcess } from './support/pythonServices';
import { smallTaskSet } from './support/runFixture';
import { WEB_UI } from './support/services';
import { until } from './support/until';
import { launchBrowser, listedWorkflowIds, pageText, screenshot, type Anchor } from './support/webUi';

// A user lists the unresolved episodes of iteration 12 in the Temporal Web UI and opens one. The
// episodes are real (real sandboxes, grading in a fresh container): the scripted policy plays one
// task's gold patch (resolved) and submits the other task untouched (unresolved). Screenshots are
// kept in test-artifacts/.
jest.setTimeout(600_000);

describe('the Web UI finds a run\'s episodes by iteration and outcome', () => {
  let services: PipelineServices;
  let scripted: StartedProcess & { url: string };
  let browser: Browser;
  const suite = smallTaskSet(2, 1);
  const [solved, unsolved] = readFileSync(suite.trainFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Task);
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-webui-'));
  const runId = `webui-${randomUUID().slice(0, 8)}`;
  const phase = 'it-0012';

  beforeAll(async () => {
    const solvedFile = path.join(runsDir, 'solved.jsonl');
    writeFileSync(solvedFile, JSON.stringify(solved) + '\n');
    const scriptFile = path.join(runsDir, 'script.json');
    const written = spawnSync(PYTHON, ['-m', 'swe_rl_trainer.scripted_policy', '--tasks', solvedFile, '--out', scriptFile], { encoding: 'utf8' });
    if (written.status !== 0) throw new Error(written.stderr);
    services = await startPipelineServices({ trainer: false });
    scripted = await startPolicyServer(services.modelDir, ['--script', scriptFile]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await scripted?.stop();
    await services?.stop();
  });

  const count = async (query: string) => (await services.client.workflow.count(query)).count;

  it('lists exactly the unresolved episodes of iteration 12, and an opened one shows its summary', async () => {
    const shared: SharedEpisodeInput = {
      runsDir, runId, reposDir: suite.reposDir,
      promptStyle: 'compact',
      policy: { serverUrl: scripted.url, model: 'policy', sampling: { temperature: 1, top_p: 1, top_k: -1, min_p: 0, repetition_penalty: 1 }, requestTimeoutSeconds: 60 },
      limits: { maxTurns: 5, contextTokens: 4096, maxTokensPerTurn: 1024, commandTimeoutSeconds: 30, maxObservationChars: 1500, testTimeoutSeconds: 60 },
    };
    const group = (task: Task, groupPhase: string, samples: number, episode: SharedEpisodeInput) => services.client.workflow.execute('taskGroup', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: `${runId}/${groupPhase}/${task.instance_id}`,
      args: [{ episode, taskFile: suite.trainFile, instanceId: task.instance_id, phase: groupPhase, samples, concurrency: 2, maxAttempts: 1 }],
      typedSearchAttributes: searchAttributes(runId, 'stage1', 12, 'taskGroup', task.instance_id),
    }) as Promise<EpisodeSummary[]>;
    // A third group's only episode fails: its sandbox image does not exist.
    const groups = await Promise.all([group(solved, phase, 2, shared), group(unsolved, phase, 2, shared), group(unsolved, `${phase}-r1`, 1, { ...shared, image: 'swe-rl-no-such-image:none' })]);
    expect(groups[0].map((e) => [e.status, e.testReward])).toEqual([['completed', 1], ['completed', 1]]);
    expect(groups[1].map((e) => [e.status, e.endReason, e.testReward])).toEqual([['completed', 'submitted', 0], ['completed', 'submitted', 0]]);
    expect(groups[2].map((e) => [e.status, e.endReason])).toEqual([['failed', 'environment_unavailable']]);

    // The attributes the CLI counts progress with, and the outcome, as the server indexes them.
    const inIteration = `SweRlRun='${runId}' AND SweRlKind='episode' AND SweRlStage='stage1' AND SweRlIteration=12`;
    await until('5 episodes of iteration 12 with outcomes to be visible', 30_000, async () => (await count(`${inIteration} AND SweRlOutcome IS NOT NULL`)) === 5);
    expect(await count(`${inIteration} AND SweRlTask='${solved.instance_id}' AND SweRlOutcome='resolved'`)).toBe(2);
    const failedId = `${runId}/${phase}-r1/${unsolved.instance_id}/s0/a0`;
    expect(await count(`${inIteration} AND SweRlOutcome='failed' AND WorkflowId='${failedId}'`)).toBe(1);
    const failedMemo = (await services.client.workflow.getHandle(failedId).describe()).memo;
    expect(String(failedMemo?.outcome)).toMatch(/^failed: environment_unavailable after 0 turns \(setupEpisodeSandbox: .*swe-rl-no-such-image:none/);

    const query = `SweRlRun='${runId}' AND SweRlIteration=12 AND SweRlOutcome='unresolved'`;
    const expected = [0, 1].map((s) => `${runId}/${phase}/${unsolved.instance_id}/s${s}/a0`);
    const page = await browser.newPage();
    await page.goto(`${WEB_UI}/namespaces/default/workflows?query=${encodeURIComponent(query)}`, { waitUntil: 'networkidle2' });
    const listed = await until('the Web UI to list the unresolved episodes', 60_000, async () => {
      const ids = (await listedWorkflowIds(page)).filter((id) => id.startsWith(runId)).sort();
      return ids.length === expected.length && ids.every((id, i) => id === expected[i]) ? ids : null;
    }, 500);
    expect(listed).toEqual(expected);
    await screenshot(page, 'unresolved-episodes');

    const opened = expected[1];
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'networkidle2' }),
      page.$$eval('a[href*="/workflows/"]', (links, id) => {
        const link = links.find((l) => (l as unknown as Anchor).href.includes(`/workflows/${encodeURIComponent(id)}/`));
        if (!link) throw new Error(`no link to ${id}`);
        (link as unknown as Anchor).click();
      }, opened),
    ]);
    expect(page.url()).toContain(encodeURIComponent(opened));
    await page.waitForSelector('a[data-testid="user-metadata-tab"]');
    await page.click('a[data-testid="user-metadata-tab"]');
    const summary = `task ${unsolved.instance_id}, sample 2 of 2, iteration 12, stage stage1`;
    await until('the opened episode to show its summary and its turns', 60_000, async () => {
      const text = await pageText(page);
      return text.includes(summary) && text.includes('turn 1: submit');
    }, 500);
    await screenshot(page, 'episode-summary');
    await page.click('a[data-testid="memo-tab"]');
    await until('the opened episode to show its outcome', 60_000, async () => (await pageText(page)).includes('unresolved: submitted, graded tests_failed after 1 turn'), 500);
    await screenshot(page, 'episode-outcome');
  });

  it('names each command turn of an episode by its command', async () => {
    const episodeId = `${runId}/${phase}/${solved.instance_id}/s0/a0`;
    const history = await services.client.workflow.getHandle(episodeId).fetchHistory();
    const summaries = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sandboxTurn')
      .map((e) => defaultPayloadConverter.fromPayload<string>(e.userMetadata!.summary!));
    expect(summaries.length).toBeGreaterThan(0);
    summaries.forEach((line, i) => {
      expect(line.startsWith(`turn ${i + 1}: `)).toBe(true);
      expect(line.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    });
  });
});
