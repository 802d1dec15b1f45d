import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProjectAsync } from './support/processes';
import { requireDocker } from './support/services';

// CI validates a subset of the built-in suite on real containers; the whole suite with --runs 3
// is the command in the README.
describe('built-in task suite on real containers', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-builtin-'));

  it('generates the suite and validates a subset: gold passes, empty fails, runs agree', async () => {
    await requireDocker();
    const generated = await runProjectAsync('bin/swe-rl', ['builtin-tasks', '--out', dir]);
    expect(generated.status).toBe(0);
    const train = readFileSync(path.join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const evalSet = readFileSync(path.join(dir, 'eval.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(train.length + evalSet.length).toBeGreaterThanOrEqual(40);
    const subset = [train[0], train[1], train[2]].map((t) => t.instance_id);
    const out = path.join(dir, 'validated');
    const run = await runProjectAsync('bin/swe-rl', [
      'validate-tasks', path.join(dir, 'train.jsonl'), '--repos', path.join(dir, 'repos'), '--runs', '2', '--only', subset.join(','), '--out', out,
    ]);
    expect(run.stderr + run.stdout).toMatch(/3\/3 tasks valid \(0 invalid, 0 flaky, 0 malformed\)/);
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.tasks.map((t: { instance_id: string }) => t.instance_id).sort()).toEqual(subset.sort());
  });
});
