import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { INITIAL_SHELL_STATE, readSubmission, runAgentCommand, setupEpisodeSandbox } from '../../activities/sandbox/agentSandbox';
import { resolveTaskEnvironment } from '../../activities/sandbox/environmentImages';
import { gradePatch } from '../../activities/sandbox/grading';
import { createSandbox, destroySandbox, execInSandbox, listSandboxes } from '../../activities/sandbox/sandboxActivities';
import type { Task } from '../../core/tasks/taskSchema';
import { buildPublishedStandIn, makeGreeterTask, makeWidgetsTask, writeTasks } from './support/environmentFixtures';
import { runProjectAsync } from './support/processes';
import { requireDocker } from './support/services';

const RUN_ID = 'environment-test';
const dir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-envs-'));
const reposDir = path.join(dir, 'repos');
let docker: Docker;
const imagesToRemove: string[] = [];

beforeAll(async () => {
  docker = await requireDocker();
});

afterAll(async () => {
  for (const image of imagesToRemove) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  expect(await listSandboxes(RUN_ID)).toEqual([]);
});

const grade = (task: Task, patch: string, repos?: string) =>
  gradePatch({ task, patch, reposDir: repos, gradeId: `env-${randomUUID().slice(0, 8)}`, runId: RUN_ID });

describe('a locally built environment (install_config: pytest-cov for addopts, six from the project, src layout)', () => {
  // A version of its own makes this run's environment key, and so its image, new.
  const task = makeWidgetsTask(reposDir, `test-${randomUUID().slice(0, 8)}`);
  const taskFile = writeTasks(dir, 'widgets.jsonl', [task]);

  it('is built once by build-env; a second run finds it cached', async () => {
    const image = (await resolveTaskEnvironment(task)).fallback?.image;
    expect(image).toMatch(/^swe-rl-env:fixture-widgets-[0-9a-f]{12}$/);
    imagesToRemove.push(image!);

    const out = path.join(dir, 'build-1');
    const first = await runProjectAsync('bin/swe-rl', ['build-env', taskFile, '--repos', reposDir, '--out', out]);
    expect(first.stderr).toMatch(/\[1\/1\] fixture\/widgets env [0-9a-f]{6}: built in \d+\.\ds/);
    expect(first.stdout).toMatch(/1 environments for 1 tasks: 1 built, 0 cached, 0 pulled, 0 failed/);
    expect(first.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.environments[0]).toMatchObject({ image, source: 'local-build', status: 'built', instances: [task.instance_id] });
    expect(report.instances[task.instance_id]).toMatchObject({ image, status: 'built' });
    const labels = (await docker.getImage(image!).inspect()).Config.Labels;
    expect(labels['swe-rl.env-key']).toBe(report.environments[0].key);
    expect(labels['swe-rl.repo']).toBe('fixture/widgets');

    const second = await runProjectAsync('bin/swe-rl', ['build-env', taskFile, '--repos', reposDir, '--out', path.join(dir, 'build-2')]);
    expect(second.stderr).toMatch(/\[1\/1\] fixture\/widgets env [0-9a-f]{6}: cached/);
    expect(second.status).toBe(0);
  });

  it('validates: the gold patch passes and the empty one fails with a failing test', async () => {
    const out = path.join(dir, 'validated');
    const run = await runProjectAsync('bin/swe-rl', ['validate-tasks', taskFile, '--repos', reposDir, '--out', out]);
    expect(run.stdout).toMatch(/1\/1 tasks valid/);
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.tasks[0].valid).toBe(true);

    const empty = await grade(task, '', reposDir);
    expect(empty).toMatchObject({ reward: 0, reason: 'tests_failed' });
    expect(empty.tests.FAIL_TO_PASS).toEqual({ 'tests/test_labels.py::test_labels_start_at_one': 'failed' });
    // six (a dependency of the project) imports and importlib.metadata finds the project.
    expect(empty.tests.PASS_TO_PASS).toEqual({ 'tests/test_widgets.py::test_version': 'passed', 'tests/test_widgets.py::test_six': 'passed' });
    expect(empty.log).toMatch(/environment: local-build env [0-9a-f]{12} image swe-rl-env:fixture-widgets-/);
  });

  it('cannot be graded on the base image: pytest stops at the --cov addopts before running a test', async () => {
    const { install_config: _install, ...onBase } = task;
    const result = await grade(onBase as Task, task.patch, reposDir);
    expect(result.log).toMatch(/environment: base image swe-rl-sandbox:bookworm/);
    expect(result.log).toMatch(/unrecognized arguments: --cov=widgetlib/);
    expect(result).toMatchObject({ reward: 0, reason: 'no_test_report' });
  });
});

describe('a SWE-bench record whose image cannot be had', () => {
  it("fails non-retryably, naming SWE-bench's image for the instance", async () => {
    const task = { ...makeGreeterTask(path.join(dir, 'swebench-repos')), version: '1.0', environment_setup_commit: 'e'.repeat(40) };
    const failure = await grade(task, '').then(
      () => null,
      (err: { type?: string; nonRetryable?: boolean; message: string }) => err,
    );
    expect(failure).toMatchObject({ type: 'EnvironmentUnavailable', nonRetryable: true });
    expect(failure?.message).toMatch(/^sandbox image swebench\/sweb\.eval\.x86_64\.fixture_1776_greeter-1:latest not found on this Docker host; pulling/);
  });
});

describe('a published-style image (root-owned /testbed at base_commit, conda activation)', () => {
  const task = makeGreeterTask(reposDir);
  const image = `swe-rl-test-published:${randomUUID().slice(0, 8)}`;
  const named: Task = { ...task, image };

  beforeAll(async () => {
    await buildPublishedStandIn(docker, reposDir, task, image);
    imagesToRemove.push(image);
  });

  it('grades as root after the activation, from the repository in the image', async () => {
    // No repos folder: the image holds the repository.
    const gold = await grade(named, task.patch);
    expect(gold.log).toMatch(/environment: record image swe-rl-test-published:\S+ as 0:0 \(activated\)/);
    expect(gold).toMatchObject({ reward: 1, reason: 'all_tests_passed' });
    const empty = await grade(named, '');
    expect(empty).toMatchObject({ reward: 0, reason: 'tests_failed' });
    expect(empty.tests.PASS_TO_PASS).toEqual({ 'tests/test_basics.py::test_truth': 'passed' });
  });

  it('runs agent commands and reads the submission as root in the activated environment', async () => {
    const sandboxId = `env-episode-${randomUUID().slice(0, 8)}`;
    try {
      const { baseHead } = await setupEpisodeSandbox({ sandboxId, task: named, runId: RUN_ID, episodeId: sandboxId });
      expect(baseHead.startsWith(task.base_commit)).toBe(true);
      const turn = await runAgentCommand({
        sandboxId,
        command: `echo "env=$SWE_RL_FAKE_CONDA_ENV uid=$(id -u) pwd=$PWD"; sed -i 's/"hello" + name/"hello " + name/' greet.py`,
        state: INITIAL_SHELL_STATE,
        timeoutSeconds: 30,
        maxObservationChars: 10_000,
      });
      expect(turn.observation).toContain('env=testbed uid=0 pwd=/testbed');
      const { patch } = await readSubmission(sandboxId, baseHead);
      expect(patch).toContain('+    return "hello " + name');
    } finally {
      await destroySandbox(sandboxId);
    }
  });

  it('lets git read /testbed whoever owns it (no system git config in the image)', async () => {
    const sandboxId = `env-git-${randomUUID().slice(0, 8)}`;
    try {
      await createSandbox({ sandboxId, image, runId: RUN_ID, episodeId: sandboxId, exec: { user: '1000:1000', workdir: '/testbed' } });
      const head = await execInSandbox({ sandboxId, command: 'id -u; stat -c %u /testbed; git rev-parse HEAD' });
      expect(head.output.trim().split('\n')).toEqual(['1000', '0', task.base_commit]);
      expect(head.exitCode).toBe(0);
    } finally {
      await destroySandbox(sandboxId);
    }
  });
});
