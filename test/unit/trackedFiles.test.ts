import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

describe('the repository holds no generated files', () => {
  it('tracks nothing that .gitignore ignores (builds, caches, run folders, egg-info)', () => {
    expect(git('ls-files', '--cached', '--ignored', '--exclude-standard')).toEqual([]);
  });

  it('ignores what the build, the tests and the runs generate', () => {
    const generated = ['dist/x.js', '.venv/bin/python', 'runs/r/metrics.jsonl', '.data/temporal.sqlite', 'test-artifacts/a.png',
      'trainer/__pycache__/a.pyc', 'trainer/.pytest_cache/v', 'trainer/swe_rl_trainer.egg-info/PKG-INFO', 'node_modules/a/index.js'];
    const ignored = execFileSync('git', ['check-ignore', '--no-index', ...generated], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(ignored).toEqual(generated);
  });
});
