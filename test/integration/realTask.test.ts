import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runProjectAsync } from './support/processes';
import { requireDocker } from './support/services';

// A real upstream bug fix (more-itertools 10.3.0 -> 10.4.0, seekable.relative_seek), built
// offline from the shipped sdist subset into a local git repository, validated on real containers.
describe('a real instance from a public repository bug fix', () => {
  it('builds reproducibly and validates: gold passes, empty fails', async () => {
    await requireDocker();
    const out = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-real-'));
    execFileSync('python3', [path.join(ROOT, 'tasks/real/more-itertools-866/build.py'), '--out', out], { stdio: 'pipe' });
    const task = JSON.parse(readFileSync(path.join(out, 'tasks.jsonl'), 'utf8').trim());
    expect(task.instance_id).toBe('more-itertools__more-itertools-866');
    expect(task.base_commit).toBe('3b6729fbdbca073de0956c8eac969b409c1a0c88');
    const run = await runProjectAsync('bin/swe-rl', [
      'validate-tasks', path.join(out, 'tasks.jsonl'), '--repos', path.join(out, 'repos'), '--runs', '1', '--out', path.join(out, 'validated'),
    ]);
    expect(run.stdout).toMatch(/1\/1 tasks valid/);
    expect(run.status).toBe(0);
  });
});
