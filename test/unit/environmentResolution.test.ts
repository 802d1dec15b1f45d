import {
  BASE_USER,
  CONDA_ACTIVATE,
  ROOT_USER,
  buildProblem,
  resolveEnvironment,
  samePythonVersion,
  uidOf,
  type EnvironmentTask,
} from '../../core/environment/resolveEnvironment';
import { DEFAULT_SANDBOX_IMAGE } from '../../core/sandboxSpec';

const plain: EnvironmentTask = { instance_id: 'acme__widgets-12', repo: 'acme/widgets', base_commit: 'a'.repeat(40) };
const installConfig = { python: '3.11', pip_packages: ['six==1.16.0', 'pytest-cov'], install: 'pip install -e .[test]', test_cmd: 'pytest -rA' };
const rebench: EnvironmentTask = { ...plain, version: '1.2', install_config: installConfig };
const swebench: EnvironmentTask = { ...plain, instance_id: 'Django__Django-11099', repo: 'django/django', version: '3.0', environment_setup_commit: 'b'.repeat(40) };

describe('resolveEnvironment', () => {
  it('runs a plain task in the base image as uid 1000, with the runner default test command', () => {
    const env = resolveEnvironment(plain);
    expect(env).toMatchObject({ image: DEFAULT_SANDBOX_IMAGE, source: 'base', user: BASE_USER, workdir: '/testbed', repoInImage: false });
    expect(env.activate).toBeUndefined();
    expect(env.testCmd).toBeUndefined();
    expect(resolveEnvironment({ ...plain, test_cmd: 'python3 -m unittest' }).testCmd).toBe('python3 -m unittest');
  });

  it.each(['image', 'image_name', 'docker_image'])('runs a record naming its image (%s) in it, as root with conda activated', (field) => {
    const env = resolveEnvironment({ ...rebench, [field]: 'registry.local/acme:1' });
    expect(env).toMatchObject({ image: 'registry.local/acme:1', source: 'record', user: ROOT_USER, activate: CONDA_ACTIVATE, repoInImage: true });
    // The named image wins over the install spec, and the spec's test command still applies.
    expect(env.build).toBeUndefined();
    expect(env.testCmd).toBe('pytest -rA');
  });

  it("maps a SWE-bench record to SWE-bench's instance image name", () => {
    const env = resolveEnvironment(swebench);
    expect(env).toMatchObject({
      image: 'swebench/sweb.eval.x86_64.django_1776_django-11099:latest',
      source: 'swe-bench',
      user: ROOT_USER,
      activate: CONDA_ACTIVATE,
      repoInImage: true,
    });
    // Without environment_setup_commit it is not a SWE-bench record: the base image.
    expect(resolveEnvironment({ ...swebench, environment_setup_commit: undefined }).source).toBe('base');
  });

  it('builds a record with an install spec locally when pulling is off, as uid 1000 without activation', () => {
    const env = resolveEnvironment(rebench, { pull: false, baseImageId: 'sha256:base1' });
    expect(env.source).toBe('local-build');
    expect(env.image).toMatch(/^swe-rl-env:acme-widgets-[0-9a-f]{12}$/);
    expect(env.image.endsWith(env.envKey!.slice(0, 12))).toBe(true);
    expect(env).toMatchObject({ user: BASE_USER, repoInImage: false, testCmd: 'pytest -rA' });
    expect(env.activate).toBeUndefined();
    expect(env.build).toMatchObject({
      baseImage: DEFAULT_SANDBOX_IMAGE,
      repo: 'acme/widgets',
      pipPackages: ['six==1.16.0', 'pytest-cov'],
      installProject: true,
      extras: ['test'],
      unsupported: [],
    });
  });

  it('tries the published SWE-rebench image first when pulling is on, with the local build as its fallback', () => {
    const env = resolveEnvironment(rebench, { pull: true });
    expect(env).toMatchObject({ image: 'swerebench/sweb.eval.x86_64.acme_1776_widgets-12:latest', source: 'swe-rebench', user: ROOT_USER, repoInImage: true });
    expect(env.fallback).toMatchObject({ source: 'local-build', image: resolveEnvironment(rebench, { pull: false }).image });
  });

  it('takes the record test_cmd over the install spec one', () => {
    expect(resolveEnvironment({ ...rebench, test_cmd: 'pytest -x' }, { pull: false }).testCmd).toBe('pytest -x');
  });

  it('reads install_config given as a JSON string, and space-separated package lists', () => {
    const asString = resolveEnvironment({ ...rebench, install_config: JSON.stringify({ ...installConfig, pip_packages: 'six==1.16.0 pytest-cov' }) }, { pull: false });
    expect(asString.build?.pipPackages).toEqual(['six==1.16.0', 'pytest-cov']);
    expect(asString.envKey).toBe(resolveEnvironment(rebench, { pull: false }).envKey);
  });

  it('reports pre_install and conda environment files as unsupported instead of ignoring them', () => {
    const env = resolveEnvironment({ ...rebench, install_config: { ...installConfig, pre_install: ['apt-get install -y libxml2-dev'], packages: 'environment.yml' } }, { pull: false });
    expect(env.build?.unsupported).toEqual([
      expect.stringContaining('pre_install `apt-get install -y libxml2-dev`'),
      expect.stringContaining('environment.yml'),
    ]);
  });

  it('keys environments by base image, repository, version and install spec, not by instance or test command', () => {
    const key = (task: EnvironmentTask, baseImageId = 'sha256:base1') => resolveEnvironment(task, { pull: false, baseImageId }).envKey;
    const base = key(rebench);
    expect(key({ ...rebench, instance_id: 'acme__widgets-99', base_commit: 'c'.repeat(40) })).toBe(base);
    expect(key({ ...rebench, install_config: { ...installConfig, test_cmd: 'pytest -q' } })).toBe(base);
    expect(key(rebench, 'sha256:base2')).not.toBe(base);
    expect(key({ ...rebench, repo: 'acme/gadgets' })).not.toBe(base);
    expect(key({ ...rebench, version: '1.3' })).not.toBe(base);
    expect(key({ ...rebench, install_config: { ...installConfig, pip_packages: ['six==1.17.0', 'pytest-cov'] } })).not.toBe(base);
  });

  it('names an unreadable install_config with the instance', () => {
    expect(() => resolveEnvironment({ ...plain, install_config: '{not json' })).toThrow(/acme__widgets-12: install_config is not JSON/);
  });
});

describe('buildProblem', () => {
  it('refuses a Python other than the base image one, naming the instance and both versions', () => {
    const env = resolveEnvironment({ ...rebench, install_config: { ...installConfig, python: '3.9' } }, { pull: false });
    expect(buildProblem(env.build!)).toMatch(/task acme__widgets-12: .*Python 3\.9.*Python 3\.11/);
    expect(buildProblem(resolveEnvironment(rebench, { pull: false }).build!)).toBeUndefined();
  });

  it('compares major.minor only', () => {
    expect(samePythonVersion('3.11', '3.11.2')).toBe(true);
    expect(samePythonVersion('3.1', '3.11')).toBe(false);
    expect(samePythonVersion('3.12', '3.11')).toBe(false);
  });
});

describe('uidOf', () => {
  it.each([
    ['1000:1000', 1000],
    ['0:0', 0],
    ['root', 0],
    ['42', 42],
  ])('%s -> %d', (user, uid) => expect(uidOf(user)).toBe(uid));
  it('refuses a user name it cannot map', () => expect(() => uidOf('agent')).toThrow(/agent/));
});
