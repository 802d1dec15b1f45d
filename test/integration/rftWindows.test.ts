import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as storeActivities from '../../activities/store';
import * as metricsActivities from '../../activities/metrics';
import { readJsonLines } from '../../activities/store/jsonLines';
import { windowRefsFile } from '../../activities/store/rftWindowFiles';
import { rftWindowsPerExecution, rftWindowTasks } from '../../core/rl/rftWindows';
import { TASK_QUEUES } from '../../core/taskQueues';
import type { RftResult } from '../../workflows/rftRun';
import * as standInActivities from './support/rftStandInActivities';
import { standInPasses } from './support/rftStandInOutcome';
import { ROOT, runProject } from './support/processes';
import { smallRunConfig } from './support/runFixture';

// An RFT phase over 8,000 tasks on a private dev server whose history limit is lowered to 1,500
// events: one history for the phase would need at least 3 events per task (24,000), so it passes
// only because the rollout runs in windows and the parent continues as new. The episodes are done
// by a named stand-in (test/integration/support/rftStandIns.ts), as 8,000 real episodes cannot run
// on this machine; every other workflow (rftRun, rftWindow, taskGroup) and activity is the real one.
// On this 2-core machine the dev server and worker do about 5 tasks a second (a taskGroup and an
// episode each): 8,000 tasks take about 25 minutes, too long for the test run, which takes 2,000
// (about 7 minutes; the parent continues as new); RFT_WINDOWS_TEST_TASKS=8000 runs the paper's size.
jest.setTimeout(3_600_000);

const TASKS = Number(process.env.RFT_WINDOWS_TEST_TASKS ?? 2_000);
const LIMIT = 1_500;
const BOUND = { events: 1_200, bytes: 4 * 1024 * 1024 };
const DIR = '/tmp/h-rft';
const ENV = {
  SWE_RL_STATE_DIR: path.join(DIR, 'state'),
  SWE_RL_LOG_DIR: path.join(DIR, 'logs'),
  // On tmpfs: the dev server's SQLite syncs every write, and on this disk that, not the workflows, sets the pace.
  TEMPORAL_DB_FILE: '/dev/shm/h-rft-temporal.db',
  TEMPORAL_FRONTEND_PORT: '7331',
  TEMPORAL_UI_PORT: '8331',
  SWE_RL_TEMPORAL_DYNAMIC_CONFIG: `limit.historyCount.error=${LIMIT} limit.historyCount.warn=${LIMIT - 500}`,
};
const ADDRESS = process.env.TEMPORAL_ADDRESS ?? 'localhost:7331';

/** 8,000 valid tasks: one built-in task record under 8,000 ids. */
function largeTaskSet(dir: string): { dir: string; trainFile: string; evalFile: string; reposDir: string } {
  execFileSync('python3', [path.join(ROOT, 'tasks/builtin/generate.py'), '--out', path.join(dir, 'suite')], { stdio: 'pipe' });
  const first = JSON.parse(readFileSync(path.join(dir, 'suite', 'train.jsonl'), 'utf8').split('\n')[0]) as { instance_id: string };
  const lines = Array.from({ length: TASKS }, (_, i) => JSON.stringify({ ...first, instance_id: `${first.instance_id}-${String(i).padStart(4, '0')}` }));
  const trainFile = path.join(dir, 'train.jsonl');
  writeFileSync(trainFile, lines.join('\n') + '\n');
  return { dir, trainFile, evalFile: path.join(dir, 'suite', 'eval.jsonl'), reposDir: path.join(dir, 'suite', 'repos') };
}

/** For the replay fixtures (docs/upgrades.md): the first rftRun execution and the last window, as the Temporal CLI exports them. */
function recordHistories(out: string, windows: number): void {
  const cli = path.join(ROOT, '.tools', 'bin', 'temporal');
  const show = (id: string, runId?: string) => execFileSync(cli, ['workflow', 'show', '--workflow-id', id, ...(runId ? ['--run-id', runId] : []), '--output', 'json', '--address', ADDRESS], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const describe = JSON.parse(execFileSync(cli, ['workflow', 'list', '--query', 'WorkflowType="rftRun"', '--output', 'json', '--address', ADDRESS], { encoding: 'utf8' })) as { execution: { runId: string }; startTime: string }[];
  const first = describe.sort((a, b) => a.startTime.localeCompare(b.startTime))[0];
  writeFileSync(path.join(out, 'rftRun.json'), show('rft-8k/rft', first.execution.runId));
  writeFileSync(path.join(out, 'rftWindow.json'), show(`rft-8k/rft/window-${String(windows - 1).padStart(5, '0')}`));
}

describe('an RFT phase over 8,000 tasks under a lowered history limit', () => {
  let worker: Worker;
  let running: Promise<void>;
  let native: NativeConnection;
  let connection: Connection;
  let client: Client;
  const work = path.join(DIR, 'work');

  /** The dev server's database lives on tmpfs, outside the checkout: a file left by an earlier run would add its workflows to the counts. */
  const removeDatabase = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(ENV.TEMPORAL_DB_FILE + suffix, { force: true });
  };

  beforeAll(async () => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    removeDatabase();
    const started = runProject('infra/temporal.sh', ['start'], ENV);
    expect(started.status).toBe(0);
    native = await NativeConnection.connect({ address: ADDRESS });
    worker = await Worker.create({
      connection: native,
      taskQueue: TASK_QUEUES.orchestrator,
      workflowsPath: require.resolve('./support/rftStandIns'),
      activities: { ...storeActivities, ...metricsActivities, ...standInActivities },
      maxCachedWorkflows: 1000,
    });
    running = worker.run();
    connection = await Connection.connect({ address: ADDRESS });
    client = new Client({ connection });
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    runProject('infra/down.sh', [], ENV);
    removeDatabase();
  });

  it('keeps every history under the limit, sums every window and writes the batches from the stored references', async () => {
    const pid = readFileSync(path.join(ENV.SWE_RL_STATE_DIR, 'temporal.pid'), 'utf8').trim();
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')).toContain(`limit.historyCount.error=${LIMIT}`);
    const tasks = largeTaskSet(work);
    const config = smallRunConfig('rft-8k', 'http://127.0.0.1:1', path.join(work, 'model'), tasks, {
      rft: { enabled: true, samplesPerTask: 1, maxTurns: 2, contextTokens: 8192, batchSize: 64 },
      concurrency: { taskGroups: 200, episodesPerGroup: 1 },
    });
    const result = (await client.workflow.execute('rftRun', {
      taskQueue: TASK_QUEUES.orchestrator,
      workflowId: 'rft-8k/rft',
      args: [{ config, policyVersion: 0, trainerStep: 0, historyBound: BOUND }],
      workflowExecutionTimeout: '55 minutes',
    })) as RftResult;

    const keys = Array.from({ length: TASKS }, (_, i) => `rft/${JSON.parse(readFileSync(tasks.trainFile, 'utf8').split('\n')[i]).instance_id}/s0/a0`);
    const passing = keys.filter(standInPasses);
    expect(passing.length).toBeGreaterThan(TASKS / 10);
    const m = result.metrics!;
    expect(m.episodes + m.failedEpisodes).toBe(TASKS);
    expect(m.failedEpisodes).toBe(0);
    expect(m.trainedTrajectories).toBe(passing.length);
    expect(m.passRate).toBeCloseTo(passing.length / TASKS, 10);
    expect(m.meanSteps).toBeCloseTo((passing.length + 2 * (TASKS - passing.length)) / TASKS, 10);

    // Every window's references, in the run folder; the batches hold each passing trajectory once.
    const windowTasks = rftWindowTasks(1, BOUND);
    const windows = Math.ceil(TASKS / windowTasks);
    const referenced: string[] = [];
    for (let w = 0; w < windows; w++) {
      for await (const ref of readJsonLines<{ episodeKey: string }>(windowRefsFile(config.runsDir!, 'rft-8k', 'rft', w))) referenced.push(ref.episodeKey);
    }
    expect(existsSync(windowRefsFile(config.runsDir!, 'rft-8k', 'rft', windows))).toBe(false);
    expect(referenced.sort()).toEqual([...passing].sort());
    const batchDir = path.join(config.runsDir!, 'rft-8k', 'batches');
    const batches = readdirSync(batchDir).filter((f) => f.endsWith('.jsonl'));
    expect(batches.length).toBe(Math.ceil(passing.length / 64));
    const trained: string[] = [];
    for (const file of batches) for await (const t of readJsonLines<{ episode_id: string }>(path.join(batchDir, file))) trained.push(t.episode_id);
    expect(trained.sort()).toEqual(passing.map((k) => `rft-8k/${k}`).sort());

    // Every history under the lowered limit; the parent continued as new.
    const byType = new Map<string, { count: number; maxEvents: number; maxBytes: number }>();
    for await (const execution of client.workflow.list()) {
      const events = execution.historyLength;
      expect(events).toBeLessThan(LIMIT);
      const seen = byType.get(execution.type) ?? { count: 0, maxEvents: 0, maxBytes: 0 };
      byType.set(execution.type, { count: seen.count + 1, maxEvents: Math.max(seen.maxEvents, events), maxBytes: Math.max(seen.maxBytes, execution.historySize ?? 0) });
    }
    console.log(`RFT over ${TASKS} tasks, ${windows} windows of ${windowTasks}: ${JSON.stringify(Object.fromEntries(byType))}`);
    expect(byType.get('rftWindow')?.count).toBe(windows);
    expect(byType.get('taskGroup')?.count).toBe(TASKS);
    expect(byType.get('episode')?.count).toBe(TASKS);
    expect(byType.get('rftRun')!.count).toBeGreaterThanOrEqual(Math.ceil(windows / rftWindowsPerExecution(BOUND)));
    if (TASKS >= 8_000) expect(byType.get('rftRun')!.count).toBeGreaterThan(1);
    if (process.env.RFT_WINDOWS_RECORD_DIR) recordHistories(process.env.RFT_WINDOWS_RECORD_DIR, windows);
    for (const { maxBytes } of byType.values()) expect(maxBytes).toBeLessThan(BOUND.bytes);
  });
});
