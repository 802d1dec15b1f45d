import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { packDirectory } from '../../../activities/sandbox/buildContext';
import type { Task } from '../../../core/tasks/taskSchema';
import { git, write } from './fixtureRepo';


/**
 * A repository `reposDir/<owner__name>` with one base commit, and the task whose gold patch and
 * test patch are real diffs against it (`fix` edits files, `tests` adds or edits test files).
 */
function makeRepoTask(
  reposDir: string,
  repo: string,
  files: Record<string, string>,
  fix: (read: (file: string) => string) => Record<string, string>,
  tests: Record<string, string>,
  lists: Pick<Task, 'FAIL_TO_PASS' | 'PASS_TO_PASS'>,
): Task {
  const dir = path.join(reposDir, repo.replace('/', '__'));
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const baseCommit = git(dir, 'rev-parse', 'HEAD');
  write(dir, fix((file) => readFileSync(path.join(dir, file), 'utf8')));
  const patch = git(dir, 'diff') + '\n';
  git(dir, 'checkout', '-q', '--', '.');
  write(dir, tests);
  git(dir, 'add', '-A');
  const testPatch = git(dir, 'diff', '--cached') + '\n';
  git(dir, 'reset', '-q', '--hard');
  return {
    instance_id: `${repo.replace('/', '__')}-1`,
    repo,
    base_commit: baseCommit,
    problem_statement: `A bug in ${repo}.`,
    patch,
    test_patch: testPatch,
    ...lists,
  };
}

/**
 * `fixture/widgets`: a src-layout package that imports `six` (a dependency from the package index)
 * and reads its own version with importlib.metadata, tested through a pytest config whose addopts
 * need pytest-cov. It cannot even be collected without its environment. Its task carries a
 * SWE-rebench-style install_config; `version` makes its environment key unique to this test run.
 */
export function makeWidgetsTask(reposDir: string, version: string): Task {
  const task = makeRepoTask(
    reposDir,
    'fixture/widgets',
    {
      'pyproject.toml': [
        '[build-system]',
        'requires = ["setuptools>=61"]',
        'build-backend = "setuptools.build_meta"',
        '',
        '[project]',
        'name = "widgetlib"',
        'version = "0.1.0"',
        'dependencies = ["six==1.16.0"]',
        '',
        '[tool.setuptools.packages.find]',
        'where = ["src"]',
        '',
      ].join('\n'),
      'pytest.ini': '[pytest]\naddopts = --cov=widgetlib --cov-report=\ntestpaths = tests\n',
      'src/widgetlib/__init__.py': [
        'from importlib.metadata import version',
        '',
        'import six',
        '',
        '__version__ = version("widgetlib")',
        '',
        '',
        'def labels(items):',
        '    """Text labels of the items, numbered from 1."""',
        '    return [six.text_type("%d. %s" % (i, item)) for i, item in enumerate(items)]',
        '',
      ].join('\n'),
      'tests/test_widgets.py': 'import six\n\nimport widgetlib\n\n\ndef test_version():\n    assert widgetlib.__version__ == "0.1.0"\n\n\ndef test_six():\n    assert six.PY3\n',
    },
    (read) => ({ 'src/widgetlib/__init__.py': read('src/widgetlib/__init__.py').replace('enumerate(items)', 'enumerate(items, 1)') }),
    { 'tests/test_labels.py': 'from widgetlib import labels\n\n\ndef test_labels_start_at_one():\n    assert labels(["a", "b"]) == ["1. a", "2. b"]\n' },
    { FAIL_TO_PASS: ['tests/test_labels.py::test_labels_start_at_one'], PASS_TO_PASS: ['tests/test_widgets.py::test_version', 'tests/test_widgets.py::test_six'] },
  );
  return {
    ...task,
    version,
    install_config: { python: '3.11', pip_packages: ['pytest-cov==5.0.0'], install: 'pip install -e .', test_cmd: 'pytest -rA -p no:cacheprovider' },
  };
}

/**
 * `fixture/greeter`, whose new test passes only in its conda environment, as root: the task of a
 * published-style image (see buildPublishedStandIn).
 */
export function makeGreeterTask(reposDir: string): Task {
  return makeRepoTask(
    reposDir,
    'fixture/greeter',
    {
      'greet.py': 'def greet(name):\n    return "hello" + name\n',
      'tests/test_basics.py': 'def test_truth():\n    assert 1 + 1 == 2\n',
      'pytest.ini': '[pytest]\npythonpath = .\n',
    },
    (read) => ({ 'greet.py': read('greet.py').replace('"hello" + name', '"hello " + name') }),
    {
      'tests/test_greet.py': [
        'import os',
        '',
        'from greet import greet',
        '',
        '',
        'def test_greet_in_its_environment():',
        '    assert os.environ.get("SWE_RL_FAKE_CONDA_ENV") == "testbed"',
        '    assert os.getuid() == 0',
        '    assert greet("ada") == "hello ada"',
        '',
      ].join('\n'),
    },
    { FAIL_TO_PASS: ['tests/test_greet.py::test_greet_in_its_environment'], PASS_TO_PASS: ['tests/test_basics.py::test_truth'] },
  );
}

/** An activation script at the conda path: `conda activate NAME` exports SWE_RL_FAKE_CONDA_ENV=NAME. */
const FAKE_CONDA_ACTIVATE = 'conda() { if [ "$1" = activate ]; then export SWE_RL_FAKE_CONDA_ENV="$2"; fi; }\n';

/**
 * A stand-in for a published SWE-bench / SWE-rebench image (no registry is reachable in tests):
 * the base image with the task's repository at base_commit in a root-owned /testbed (history
 * and all, as published images clone it), an activation script at the conda path, and no
 * system-wide git config.
 */
export async function buildPublishedStandIn(docker: Docker, reposDir: string, task: Task, tag: string): Promise<void> {
  const context = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-standin-'));
  try {
    git(context, 'clone', '-q', path.join(reposDir, task.repo.replace('/', '__')), 'testbed');
    git(path.join(context, 'testbed'), 'checkout', '-q', task.base_commit);
    write(context, {
      activate: FAKE_CONDA_ACTIVATE,
      Dockerfile: [
        'FROM swe-rl-sandbox:bookworm',
        'COPY testbed/ /testbed/',
        'COPY activate /opt/miniconda3/bin/activate',
        'RUN chown -R 0:0 /testbed && rm -f /etc/gitconfig',
        '',
      ].join('\n'),
    });
    // No network for the RUN step, as for the environment builds (activities/sandbox/environmentBuild.ts).
    const stream = await docker.buildImage(packDirectory(context), { t: tag, rm: true, forcerm: true, networkmode: 'none' });
    const output = await new Promise<{ error?: string }[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => (err ? reject(err) : resolve(out))),
    );
    const failed = output.find((m) => m.error);
    if (failed) throw new Error(`building ${tag} failed: ${failed.error}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Writes tasks as JSONL and returns the file. */
export function writeTasks(dir: string, name: string, tasks: Task[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, tasks.map((t) => JSON.stringify(t)).join('\n') + '\n');
  return file;
}
