import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { showCommand } from '../../../cli/commands/show';
import { listEpisodeKeys } from '../../../activities/store/storedEpisodes';
import { storeEpisode } from './storedRun';
import { buildFixtureRun, FAILED_KEY, LOST_KEY, RESOLVED_KEY, RUN, RUNNING_KEY } from './fixtureRun';

/** Runs the command and returns what it printed on stdout. */
async function output(opts: Parameters<typeof showCommand>[0]): Promise<string> {
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(`${args.join(' ')}\n`));
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    expect(await showCommand(opts)).toBe(0);
  } finally {
    log.mockRestore();
    write.mockRestore();
    err.mockRestore();
  }
  return printed.join('');
}

describe('swe-rl show', () => {
  let runsDir: string;
  beforeAll(async () => {
    runsDir = await buildFixtureRun();
    // An earlier attempt moved aside under the same key is not an episode of its own.
    await storeEpisode({ runsDir, runId: RUN, episodeKey: RUNNING_KEY }, { issue: 'add() again', turns: [{ reply: '```\nls\n```' }], sandboxId: 'another-sandbox' });
    expect(existsSync(path.join(runsDir, RUN, 'episodes', RUNNING_KEY, 'superseded', `sb-${RUNNING_KEY.replace(/\//g, '-')}`, 'turns'))).toBe(true);
  });

  it('finds every stored episode, not the superseded attempts or turn folders', () => {
    expect(listEpisodeKeys(runsDir, RUN)).toEqual([FAILED_KEY, RESOLVED_KEY, RUNNING_KEY, LOST_KEY]);
  });

  it('lists the episodes as a table', async () => {
    const lines = (await output({ runId: RUN, runsDir })).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^EPISODE\s+ITER\s+STAGE\s+TASK\s+REWARD\s+OUTCOME\s+END REASON\s+TURNS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      [FAILED_KEY, '2', 'stage-one', 'calc__add-1', '0', 'unresolved', 'submitted', '4'],
      [RESOLVED_KEY, '2', 'stage-one', 'calc__add-1', '1', 'resolved', 'submitted', '2'],
      [RUNNING_KEY, '3', '-', 'calc__add-1', '-', 'in_progress', '-', '1'],
      [LOST_KEY, '0', 'rft', 'other__task-2', '0', 'failed', 'sandbox_lost', '1'],
    ]);
  });

  it('filters the listing by iteration, task, outcome and end reason; --json prints the rows', async () => {
    const keys = async (filters: object) => (JSON.parse(await output({ runId: RUN, runsDir, json: true, ...filters })) as { episode: string }[]).map((r) => r.episode);
    expect(await keys({ iteration: 2 })).toEqual([FAILED_KEY, RESOLVED_KEY]);
    expect(await keys({ task: 'other__task-2' })).toEqual([LOST_KEY]);
    expect(await keys({ outcome: 'resolved' })).toEqual([RESOLVED_KEY]);
    expect(await keys({ outcome: 'failed' })).toEqual([LOST_KEY]);
    expect(await keys({ endReason: 'submitted', iteration: 2, outcome: 'unresolved' })).toEqual([FAILED_KEY]);
    expect(await output({ runId: RUN, runsDir, iteration: 9 })).toBe(`no episodes of run ${RUN} match\n`);
    await expect(showCommand({ runId: RUN, runsDir, outcome: 'won' })).rejects.toThrow(/--outcome must be one of resolved, unresolved, failed/);
  });

  it('shows one episode by its key or its workflow id, as text, JSON or an HTML file', async () => {
    const text = await output({ runId: RUN, runsDir, episode: FAILED_KEY });
    expect(text).toContain('$ cat -n calc.py');
    expect(await output({ runId: RUN, runsDir, episode: `${RUN}/${FAILED_KEY}` })).toBe(text);
    expect(JSON.parse(await output({ runId: RUN, runsDir, episode: FAILED_KEY, json: true }))).toMatchObject({ episodeKey: FAILED_KEY, grade: { reason: 'tests_failed' } });
    const file = path.join(runsDir, 'episode.html');
    expect(await output({ runId: RUN, runsDir, episode: FAILED_KEY, html: file })).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('<pre>cat -n calc.py</pre>');
  });

  it('says how to find the ids when the episode or run is unknown', async () => {
    await expect(showCommand({ runId: RUN, runsDir, episode: 'it-0002/calc__add-1' })).rejects.toThrow(
      `run ${RUN} has no episode "it-0002/calc__add-1"; \`swe-rl show ${RUN}\` lists its episode ids (close: ${FAILED_KEY}, ${RESOLVED_KEY})`,
    );
    await expect(showCommand({ runId: RUN, runsDir, episode: '../../etc' })).rejects.toThrow(/lists its episode ids/);
    await expect(showCommand({ runId: 'no-such-run', runsDir })).rejects.toThrow(/no run folder .*no-such-run/);
  });
});
