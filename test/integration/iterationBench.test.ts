import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isolatedTemporal, ROOT, runProject } from './support/processes';
import { requireDocker } from './support/services';

// The iteration benchmark at 30 x 10 = 300 episodes on a private dev server: the real rlIteration
// with the scripted instant policy, real sandboxes, gradings and trainer step. Its figures are
// printed, not asserted as times; asserted: it completes with no failed episode, every workflow
// history stays within bounds, and its last line is the JSON other tools read.
const PROBLEMS = 30;
const GROUP = 10;
// The plain loop replays this many of the 300 episodes and scales its time (it would double the test's length).
const PLAIN_LOOP_EPISODES = 30;

describe('the iteration benchmark', () => {
  const { env, address, script } = isolatedTemporal(7341, 8341);

  beforeAll(async () => {
    await requireDocker();
    if (!existsSync(path.join(ROOT, 'dist/bench/iteration.js'))) throw new Error('build first: npm run build');
    expect(runProject(script, ['start'], env).status).toBe(0);
  });

  afterAll(() => {
    runProject('infra/down.sh', [], env);
  });

  it(`runs ${PROBLEMS} x ${GROUP} episodes with no failure, histories within bounds, figures as JSON`, async () => {
    const args = [path.join(ROOT, 'dist/bench/iteration.js'), '--problems', String(PROBLEMS), '--group', String(GROUP), '--slots', '8',
      '--address', address, '--plain-loop-episodes', String(PLAIN_LOOP_EPISODES)];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('node', args, { cwd: ROOT, timeout: 840_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, TEMPORAL_ADDRESS: address } }, (err, out, errOut) => {
        if (err) reject(new Error(`${err.message}\n${out}\n${errOut}`));
        else resolve(out);
      });
    });
    const lines = stdout.trim().split('\n');
    console.log(lines.join('\n'));
    const figures = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    for (const field of ['episodes', 'failedEpisodes', 'wallSeconds', 'plainLoopSeconds', 'ratioToPlainLoop', 'turnOverheadMsMedian', 'turnOverheadMsP99', 'maxHistoryEvents', 'maxHistoryBytes']) {
      expect(typeof figures[field]).toBe('number');
    }
    expect(figures.episodes).toBe(PROBLEMS * GROUP);
    expect(figures.failedEpisodes).toBe(0);
    expect(figures.plainLoopFailed).toBe(0);
    expect(figures.plainLoopEpisodes).toBe(PLAIN_LOOP_EPISODES);
    // The replayed episodes graded as they did through Temporal: the same work was done.
    expect(figures.plainLoopRewardMismatches).toBe(0);
    // Every second episode of a task submits without the fix: a signal, so the trainer stepped.
    expect(figures.passRate).toBeCloseTo(0.5, 1);
    expect(figures.optimizerSteps).toBeGreaterThanOrEqual(1);
    expect(figures.maxHistoryEvents).toBeLessThan(10_000);
    expect(figures.maxHistoryBytes).toBeLessThan(5 * 1024 * 1024);
    const perType = figures.historiesPerType as Record<string, { workflows: number }>;
    expect(perType.episode.workflows).toBe(PROBLEMS * GROUP);
    expect(perType.taskGroup.workflows).toBe(PROBLEMS);
  }, 900_000);
});
