import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { episodeDir, turnFile } from '../../../core/store/runPaths';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist', 'activities', 'store');
const CONTENT_CHARS = 200_000;
/** Heap growth allowed beyond the 100-trajectory batch's for the 1,000-trajectory one: far less than 900 x 200 KB. */
const GROWTH_SLACK_MB = 8;

function contentOf(i: number): string {
  return `${i}:`.padEnd(CONTENT_CHARS, String.fromCharCode(97 + (i % 26)));
}

/** Stores `count` one-turn trajectories of about 200 KB and returns their keys and the sha256 over their contents. */
function storeTrajectories(runsDir: string, count: number): { keys: string[]; checksum: string } {
  const hash = createHash('sha256');
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `rft/task-${i}/s0/a0`;
    const dir = episodeDir(runsDir, 'mem', key);
    mkdirSync(path.join(dir, 'turns'), { recursive: true });
    writeFileSync(path.join(dir, 'prompt.json'), JSON.stringify({ system: 'sys', user: `issue ${i}` }));
    const content = contentOf(i);
    writeFileSync(turnFile(dir, 1, 'policy'), JSON.stringify({
      turn: 1, content, tokenIds: [1, 2, 3], logprobs: [-1, -1, -1], promptTokens: 10,
      finishReason: 'stop', policyVersion: 0, action: { kind: 'submit', thought: '' }, observation: 'ok',
    }));
    hash.update(content);
    keys.push(key);
  }
  return { keys, checksum: hash.digest('hex') };
}

// In a child process with --expose-gc: the batch is written through writeBatchFile from a lazy
// list of entries and read back with readJsonLines, the live heap sampled (after a GC) every 10
// trajectories of both, so the peak is what the writer and the reader hold, not garbage.
const SCRIPT = `
const { writeBatchFile } = require(process.env.DIST + '/batchActivities.js');
const { readJsonLines } = require(process.env.DIST + '/jsonLines.js');
const { createHash } = require('node:crypto');
const count = Number(process.env.COUNT);
let peak = 0;
const sample = () => { global.gc(); peak = Math.max(peak, process.memoryUsage().heapUsed); };
function* entries() {
  for (let i = 0; i < count; i++) { if (i % 10 === 0) sample(); yield { episodeKey: 'rft/task-' + i + '/s0/a0' }; }
}
(async () => {
  global.gc();
  const base = process.memoryUsage().heapUsed;
  const written = await writeBatchFile(process.env.RUNS, 'mem', process.env.RUNS + '/batch.jsonl', entries());
  const hash = createHash('sha256');
  const ids = [];
  let n = 0;
  for await (const t of readJsonLines(written.batchPath)) {
    if (n++ % 10 === 0) sample();
    ids.push(t.episode_id);
    hash.update(t.messages.find((m) => m.role === 'assistant').content);
  }
  sample();
  console.log(JSON.stringify({ trajectories: written.trajectories, read: n, ids, checksum: hash.digest('hex'), growthMb: (peak - base) / 2 ** 20 }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function roundTrip(count: number): { keys: string[]; checksum: string; out: { trajectories: number; read: number; ids: string[]; checksum: string; growthMb: number } } {
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-batchmem-'));
  try {
    const stored = storeTrajectories(runsDir, count);
    const run = spawnSync(process.execPath, ['--expose-gc', '-e', SCRIPT], { encoding: 'utf8', env: { ...process.env, DIST, RUNS: runsDir, COUNT: String(count) }, maxBuffer: 64 * 1024 * 1024 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return { ...stored, out: JSON.parse(run.stdout) };
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}

describe('a batch is written and read back in flat memory', () => {
  jest.setTimeout(300_000);

  it('holds no more live heap for 1,000 trajectories of 200 KB than for 100, and reads every one back intact', () => {
    if (!existsSync(path.join(DIST, 'jsonLines.js'))) throw new Error(`build first (npm run build): ${DIST}/jsonLines.js is missing`);
    const small = roundTrip(100);
    const large = roundTrip(1000);
    for (const { keys, checksum, out } of [small, large]) {
      expect(out.trajectories).toBe(keys.length);
      expect(out.read).toBe(keys.length);
      expect(out.ids).toEqual(keys.map((k) => `mem/${k}`));
      expect(out.checksum).toBe(checksum);
    }
    console.log(`live heap growth: ${small.out.growthMb.toFixed(1)} MB for 100, ${large.out.growthMb.toFixed(1)} MB for 1,000 trajectories of 200 KB`);
    // 1,000 x 200 KB is about 190 MB of trajectories; holding them (or the batch as one string) would show.
    expect(large.out.growthMb).toBeLessThan(small.out.growthMb + GROWTH_SLACK_MB);
  });
});
