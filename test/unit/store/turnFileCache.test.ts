import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TurnFileCache } from '../../../activities/store/turnFileCache';
import { readConversationTurns, readTurns, turnPath, type EpisodeRef } from '../../../activities/store/episodeStore';
import { writeJsonOnce } from '../../../activities/store/files';
import { bindEpisodeSandbox } from '../../../activities/store/episodeSandbox';

describe('TurnFileCache', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'turn-cache-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses a file once and serves the same object while the file is unchanged', () => {
    const cache = new TurnFileCache();
    const file = path.join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ n: 1 }));
    const first = cache.readJson<{ n: number }>(file);
    expect(cache.readJson<{ n: number }>(file)).toBe(first);
    expect(cache.size.files).toBe(1);
  });

  it('reads the store again when the path names another file, and null once it is gone', () => {
    const cache = new TurnFileCache();
    const file = path.join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ n: 1 }));
    expect(cache.readJson<{ n: number }>(file).n).toBe(1);
    const other = path.join(dir, 'b.json');
    writeFileSync(other, JSON.stringify({ n: 2 }));
    renameSync(other, file);
    expect(cache.readJson<{ n: number }>(file).n).toBe(2);
    unlinkSync(file);
    expect(cache.readJsonIfExists(file)).toBeNull();
    expect(() => cache.readJson(file)).toThrow(/ENOENT/);
    expect(cache.size).toEqual({ files: 0, bytes: 0 });
  });

  it('stays within its byte budget, dropping the least recently used files first', () => {
    const cache = new TurnFileCache(100);
    const files = [0, 1, 2].map((i) => path.join(dir, `${i}.json`));
    files.forEach((f, i) => writeFileSync(f, JSON.stringify({ i, pad: 'x'.repeat(30) })));
    const first = cache.readJson(files[0]);
    cache.readJson(files[1]);
    cache.readJson(files[0]);
    cache.readJson(files[2]);
    expect(cache.size.bytes).toBeLessThanOrEqual(100);
    expect(cache.size.files).toBe(2);
    expect(cache.readJson(files[0])).toBe(first);
  });
});

describe('readConversationTurns', () => {
  let runsDir: string;
  let ref: EpisodeRef;
  beforeEach(() => {
    runsDir = mkdtempSync(path.join(os.tmpdir(), 'turn-cache-runs-'));
    ref = { runsDir, runId: 'r', episodeKey: 'ep-0' };
  });
  afterEach(() => rmSync(runsDir, { recursive: true, force: true }));

  const policy = (turn: number, sandboxId: string) => ({
    turn, content: `reply ${turn} in ${sandboxId}`, tokenIds: [turn], logprobs: [-0.5], promptTokens: 10 * turn,
    finishReason: 'stop', policyVersion: 0, action: { kind: 'command', command: 'ls', thought: '' }, sandboxId,
  });
  const writeTurn = (turn: number, sandboxId: string, observation: string | null) => {
    writeJsonOnce(turnPath(ref, turn, 'policy'), policy(turn, sandboxId));
    if (observation !== null) writeJsonOnce(turnPath(ref, turn, 'observation'), { turn, observation });
  };

  it('returns what readTurns returns, turn after turn, picking up observations written later', () => {
    writeTurn(1, 's1', 'obs 1');
    writeTurn(2, 's1', null);
    expect(readConversationTurns(ref, 3)).toEqual(readTurns(ref, 3));
    expect(readConversationTurns(ref, 3)[1].observation).toBeNull();
    writeJsonOnce(turnPath(ref, 2, 'observation'), { turn: 2, observation: 'obs 2' });
    writeTurn(3, 's1', 'obs 3');
    const turns = readConversationTurns(ref, 4);
    expect(turns).toEqual(readTurns(ref, 4));
    expect(turns.map((t) => t.observation)).toEqual(['obs 1', 'obs 2', 'obs 3']);
  });

  it('follows the store when an attempt is superseded: the moved-aside turns are not served', () => {
    bindEpisodeSandbox(ref, { sandboxId: 's1', host: 'h' });
    writeTurn(1, 's1', 'old 1');
    writeTurn(2, 's1', 'old 2');
    expect(readConversationTurns(ref, 3).map((t) => t.policy.content)).toEqual(['reply 1 in s1', 'reply 2 in s1']);
    expect(bindEpisodeSandbox(ref, { sandboxId: 's2', host: 'h' }).superseded).not.toBeNull();
    expect(readConversationTurns(ref, 3)).toEqual([]);
    writeTurn(1, 's2', 'new 1');
    const turns = readConversationTurns(ref, 2);
    expect(turns.map((t) => [t.policy.content, t.observation])).toEqual([['reply 1 in s2', 'new 1']]);
  });

  it('refuses a gap in the stored turns as readTurns does', () => {
    writeTurn(1, 's1', 'obs 1');
    writeTurn(3, 's1', 'obs 3');
    expect(() => readConversationTurns(ref, 4)).toThrow(/turn 2 is missing/);
  });
});
