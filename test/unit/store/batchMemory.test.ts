import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { episodeDir, turnFile } from '../../../core/store/runPaths';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BUILT = path.join(ROOT, 'dist', 'activities', 'store', 'batchActivities.js');
const EPISODES = 1000;
const CONTENT_CHARS = 100_000; // about 100 MB of trajectories in all
const HEAP_MB = 48;

// A batch far larger than the writer's heap: the writer streams one trajectory at a time, so
// 1,000 trajectories of about 100 KB each are written by a process whose V8 heap is capped at
// 48 MB (holding the batch as lines or as one string, as before, needs more than twice that).
describe('a training batch is written within a flat memory bound', () => {
  jest.setTimeout(180_000);

  it('writes 1,000 trajectories of 100 KB with a 48 MB heap, every line whole', async () => {
    if (!existsSync(BUILT)) throw new Error(`build first (npm run build): ${BUILT} is missing`);
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-batch-'));
    const runId = 'big';
    const keys: string[] = [];
    for (let i = 0; i < EPISODES; i++) {
      const key = `it-0001/task-${i}/s0/a0`;
      const dir = episodeDir(runsDir, runId, key);
      mkdirSync(path.join(dir, 'turns'), { recursive: true });
      writeFileSync(path.join(dir, 'prompt.json'), JSON.stringify({ system: 'sys', user: `issue ${i}` }));
      writeFileSync(turnFile(dir, 1, 'policy'), JSON.stringify({
        turn: 1, content: `${i} `.padEnd(CONTENT_CHARS, 'x'), tokenIds: [1, 2, 3], logprobs: [-1, -1, -1], promptTokens: 10,
        finishReason: 'stop', policyVersion: 0, action: { kind: 'submit', thought: '' }, observation: null,
      }));
      keys.push(key);
    }
    const entriesFile = path.join(runsDir, 'entries.json');
    writeFileSync(entriesFile, JSON.stringify(keys.map((episodeKey, i) => ({ episodeKey, advantage: i % 2 ? 1 : -1 }))));
    const script = `require(${JSON.stringify(BUILT)}).writeTrainingBatch({ runsDir: ${JSON.stringify(runsDir)}, runId: 'big', name: 'huge', entries: require(${JSON.stringify(entriesFile)}) })
      .then((r) => console.log(JSON.stringify({ ...r, heapMb: process.memoryUsage().heapUsed / 2 ** 20 })), (e) => { console.error(e); process.exit(1); });`;
    const run = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { batchPath: string; trajectories: number; actionTokens: number; heapMb: number };
    expect(result).toMatchObject({ trajectories: EPISODES, actionTokens: 3 * EPISODES });

    // Read back line by line (never the whole file): every trajectory whole and in order.
    let count = 0;
    for await (const line of createInterface({ input: createReadStream(result.batchPath) })) {
      const t = JSON.parse(line) as { episode_id: string; advantage: number; messages: { content: string }[] };
      expect(t.episode_id).toBe(`big/${keys[count]}`);
      expect(t.messages.at(-1)!.content).toHaveLength(CONTENT_CHARS);
      count++;
    }
    expect(count).toBe(EPISODES);
  });
});
