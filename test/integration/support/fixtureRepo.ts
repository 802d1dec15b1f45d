import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Task } from '../../../core/tasks/taskSchema';

/** git with a fixed identity and dates, so fixture commits are the same on every run. */
export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=fixture', '-c', 'user.email=fixture@localhost', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' },
  }).trim();

/** Writes files (paths relative to root), creating their folders. */
export function write(root: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}

/**
 * Builds `reposDir/fixture__calc`, a small git repository with a real bug (an off-by-one in
 * `running_total`), and a SWE-bench-shaped task whose patch and test_patch are real `git diff`s.
 */
export function makeCalcTask(): { reposDir: string; task: Task } {
  const reposDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-repos-'));
  const repo = path.join(reposDir, 'fixture__calc');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  write(repo, {
    'pytest.ini': '[pytest]\npythonpath = .\n',
    'calc/__init__.py': '',
    'calc/sums.py': [
      'def add(a, b):',
      '    return a + b',
      '',
      '',
      'def running_total(values):',
      '    totals = []',
      '    acc = 0',
      '    for i in range(len(values) - 1):',
      '        acc += values[i]',
      '        totals.append(acc)',
      '    return totals',
      '',
    ].join('\n'),
    'tests/test_sums.py': 'from calc.sums import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n',
  });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'calc with running_total');
  const baseCommit = git(repo, 'rev-parse', 'HEAD');

  // The upstream fix and its test, captured as diffs against the base commit.
  write(repo, { 'calc/sums.py': require('node:fs').readFileSync(path.join(repo, 'calc/sums.py'), 'utf8').replace('range(len(values) - 1)', 'range(len(values))') });
  const patch = git(repo, 'diff') + '\n';
  git(repo, 'checkout', '-q', '--', '.');
  write(repo, {
    'tests/test_running.py': 'from calc.sums import running_total\n\n\ndef test_running_total():\n    assert running_total([1, 2, 3]) == [1, 3, 6]\n\n\ndef test_empty():\n    assert running_total([]) == []\n',
  });
  git(repo, 'add', '-N', 'tests/test_running.py');
  const testPatch = git(repo, 'diff') + '\n';
  git(repo, 'rm', '-q', '--cached', 'tests/test_running.py');
  execFileSync('rm', [path.join(repo, 'tests/test_running.py')]);
  // A later commit with the fix, as upstream would have: the sandbox must not see it.
  write(repo, { 'FIXED_LATER.txt': 'this file only exists after the base commit\n' });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'later work');

  return {
    reposDir,
    task: {
      instance_id: 'fixture__calc-1',
      repo: 'fixture/calc',
      base_commit: baseCommit,
      problem_statement: 'running_total drops the last element: running_total([1, 2, 3]) gives [1, 3].',
      patch,
      test_patch: testPatch,
      FAIL_TO_PASS: ['tests/test_running.py::test_running_total'],
      PASS_TO_PASS: ['tests/test_sums.py::test_add', 'tests/test_running.py::test_empty'],
    },
  };
}

/**
 * A test-only task set whose reward is a coin flip: each task's FAIL_TO_PASS test passes in half
 * of its gradings whatever the agent does. It is not a learning task: it gives every group of G
 * samples a reward signal with probability 1 - 2^(1-G), so pipeline tests train, checkpoint and
 * publish in (almost) every iteration even with an untrained model.
 */
export function makeCoinTaskSet(count: number): { dir: string; trainFile: string; evalFile: string; reposDir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-coin-'));
  const reposDir = path.join(dir, 'repos');
  const tasks: Task[] = [];
  for (let k = 1; k <= count; k++) {
    const repo = path.join(reposDir, `fixture__coin${k}`);
    mkdirSync(repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    write(repo, { 'pytest.ini': '[pytest]\npythonpath = .\n', 'coin/__init__.py': 'SIDES = 2\n', 'tests/test_sides.py': 'from coin import SIDES\n\n\ndef test_sides():\n    assert SIDES == 2\n' });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'coin');
    const baseCommit = git(repo, 'rev-parse', 'HEAD');
    write(repo, { 'coin/__init__.py': 'SIDES = 2  # fair\n' });
    const patch = git(repo, 'diff') + '\n';
    git(repo, 'checkout', '-q', '--', '.');
    write(repo, { 'tests/test_flip.py': 'import os\n\n\ndef test_flip():\n    assert os.urandom(1)[0] < 128\n' });
    git(repo, 'add', '-N', 'tests/test_flip.py');
    const testPatch = git(repo, 'diff') + '\n';
    git(repo, 'rm', '-q', '--cached', 'tests/test_flip.py');
    execFileSync('rm', [path.join(repo, 'tests/test_flip.py')]);
    tasks.push({
      instance_id: `fixture__coin${k}-1`,
      repo: `fixture/coin${k}`,
      base_commit: baseCommit,
      problem_statement: `Coin ${k} should be fair.`,
      patch,
      test_patch: testPatch,
      FAIL_TO_PASS: ['tests/test_flip.py::test_flip'],
      PASS_TO_PASS: ['tests/test_sides.py::test_sides'],
    });
  }
  const file = (name: string, list: Task[]) => {
    writeFileSync(path.join(dir, name), list.map((t) => JSON.stringify(t)).join('\n') + '\n');
    return path.join(dir, name);
  };
  return { dir, reposDir, trainFile: file('train.jsonl', tasks), evalFile: file('eval.jsonl', tasks.slice(0, 1)) };
}
