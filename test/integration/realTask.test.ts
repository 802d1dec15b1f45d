import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runProjectAsync } from './support/processes';
import { requireDocker } from './support/services';

// A real upstream bug fix (more-itertools 10.3.0 -> 10.4.0, seekable.relative_seek), built from its
// recipe: the pinned sdists (downloaded once into .data/sdists) give the repository and both
// patches; then validated on real containers.
describe('a real instance built from its recipe', () => {
  it('builds reproducibly and validates: gold passes, empty fails', async () => {
    await requireDocker();
    const out = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-real-'));
    try {
      await buildAndValidate(out);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

async function buildAndValidate(out: string): Promise<void> {
  execFileSync('python3', [path.join(ROOT, 'tasks/real/build.py'), '--out', out, '--only', 'more-itertools__more-itertools-866'], {
    stdio: 'pipe',
  });
  const task = JSON.parse(readFileSync(path.join(out, 'tasks.jsonl'), 'utf8').trim());
  expect(task.instance_id).toBe('more-itertools__more-itertools-866');
  // The same on every machine: fixed identity, date (the base sdist's newest file) and modes.
  expect(task.base_commit).toBe('d97b19241a677cc1daed6d817ccf43755835426c');
  expect(task.FAIL_TO_PASS).toEqual(['tests/test_more.py::SeekableTest::test_relative_seek']);
  const run = await runProjectAsync('bin/swe-rl', [
    'validate-tasks', path.join(out, 'tasks.jsonl'), '--repos', path.join(out, 'repos'), '--runs', '1', '--out', path.join(out, 'validated'),
  ]);
  expect(run.stdout).toMatch(/1\/1 tasks valid/);
  expect(run.status).toBe(0);
}
