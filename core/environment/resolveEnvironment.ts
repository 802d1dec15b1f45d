import { DEFAULT_SANDBOX_IMAGE } from '../sandboxSpec';
import { environmentKey, localEnvironmentImageName, sweBenchImageName, sweRebenchImageName } from './imageNames';
import { normalisedInstallSpec, parseInstallConfig, type InstallSpec } from './installConfig';

export type EnvironmentSource = 'record' | 'swe-bench' | 'swe-rebench' | 'local-build' | 'base';

/** Who runs commands in a sandbox, where, and after which environment activation. */
export interface ExecContext {
  /** `uid:gid` for `docker exec`. */
  user: string;
  workdir: string;
  /** Shell commands that activate the environment before each command (conda in published images). */
  activate?: string;
}

/** What a local build installs on top of the base image (see activities/sandbox/environmentBuild.ts). */
export interface EnvironmentBuildSpec {
  baseImage: string;
  repo: string;
  /** The instance whose repository (at its base_commit) the project's dependencies are read from. */
  instanceId: string;
  baseCommit: string;
  /** The Python the record asks for; a local build only offers the base image's. */
  python?: string;
  basePython: string;
  pipPackages: string[];
  requirementFiles: string[];
  /** Install the project's own dependencies (the record's `install`), with these extras. */
  installProject: boolean;
  extras: string[];
  /** What the record asks for that a local build cannot do: said in the build's summary. */
  unsupported: string[];
}

export interface Environment extends ExecContext {
  image: string;
  source: EnvironmentSource;
  build?: EnvironmentBuildSpec;
  envKey?: string;
  /** The instance's test command; undefined: the test runner's default for the repository. */
  testCmd?: string;
  /** /testbed in the image already holds the repository at base_commit (published images). */
  repoInImage: boolean;
  /** Used when `image` cannot be had (not present, no registry answers): the local build. */
  fallback?: Environment;
}

/** The fields of a record that decide its environment (published records, as loaded). */
export interface EnvironmentTask {
  instance_id: string;
  repo: string;
  base_commit: string;
  image?: string;
  image_name?: unknown;
  docker_image?: unknown;
  install_config?: unknown;
  version?: unknown;
  environment_setup_commit?: unknown;
  test_cmd?: string;
}

export interface ResolveOptions {
  /** The base image local builds start from and plain tasks run in. */
  baseImage?: string;
  /** Its image id, when known: part of the environment key, so a rebuilt base rebuilds environments. */
  baseImageId?: string;
  /** The base image's Python (major.minor). */
  basePython?: string;
  /** Whether published images may be pulled (SWE_RL_PULL_IMAGES). */
  pull?: boolean;
}

export const BASE_PYTHON = '3.11';
/** The unprivileged user of the base image, owner of its /testbed. */
export const BASE_USER = '1000:1000';
export const ROOT_USER = '0:0';
export const WORKDIR = '/testbed';
/** How SWE-bench's and SWE-rebench's images activate the instance's environment. */
export const CONDA_ACTIVATE = 'source /opt/miniconda3/bin/activate && conda activate testbed';

const PUBLISHED_CONTEXT: ExecContext = { user: ROOT_USER, workdir: WORKDIR, activate: CONDA_ACTIVATE };
const BASE_CONTEXT: ExecContext = { user: BASE_USER, workdir: WORKDIR };

/**
 * Where an instance runs and how: the image its record names; else, for a record with an install
 * spec, a locally built image (its published SWE-rebench image tried first when pulling is on);
 * else, for a SWE-bench record, SWE-bench's image for it; else the base image.
 */
export function resolveEnvironment(task: EnvironmentTask, options: ResolveOptions = {}): Environment {
  const baseImage = options.baseImage ?? DEFAULT_SANDBOX_IMAGE;
  const pull = options.pull ?? true;
  const install = parseInstallConfig(task.install_config, task.instance_id);
  const testCmd = task.test_cmd ?? install?.testCmd;
  const withTestCmd = testCmd ? { testCmd } : {};

  const named = [task.image, task.image_name, task.docker_image].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (named) return { image: named.trim(), source: 'record', ...PUBLISHED_CONTEXT, ...withTestCmd, repoInImage: true };

  if (install) {
    const local = localBuild(task, install, baseImage, options);
    if (!pull) return local;
    return { image: sweRebenchImageName(task.instance_id), source: 'swe-rebench', ...PUBLISHED_CONTEXT, ...withTestCmd, repoInImage: true, fallback: local };
  }

  if (textOf(task.version) && textOf(task.environment_setup_commit)) {
    return { image: sweBenchImageName(task.instance_id), source: 'swe-bench', ...PUBLISHED_CONTEXT, ...withTestCmd, repoInImage: true };
  }

  return { image: baseImage, source: 'base', ...BASE_CONTEXT, ...withTestCmd, repoInImage: false };
}

function localBuild(task: EnvironmentTask, install: InstallSpec, baseImage: string, options: ResolveOptions): Environment {
  const envKey = environmentKey({
    baseImage: options.baseImageId ?? baseImage,
    repo: task.repo,
    version: textOf(task.version),
    installSpec: normalisedInstallSpec(install),
  });
  const unsupported = [
    ...install.preInstall.map((command) => `pre_install \`${command}\` (system packages are not installed by local builds)`),
    ...(install.condaEnvironmentFile ? [`packages ${install.condaEnvironmentFile} (conda environments are not built locally)`] : []),
    ...(install.install && /&&|;|\|\|/.test(install.install)
      ? [`install \`${install.install}\`: only the project's own dependencies are installed, not the other commands`]
      : []),
  ];
  const build: EnvironmentBuildSpec = {
    baseImage,
    repo: task.repo,
    instanceId: task.instance_id,
    baseCommit: task.base_commit,
    ...(install.python ? { python: install.python } : {}),
    basePython: options.basePython ?? BASE_PYTHON,
    pipPackages: install.pipPackages,
    requirementFiles: install.requirementFiles,
    installProject: install.install !== undefined,
    extras: install.extras,
    unsupported,
  };
  const testCmd = task.test_cmd ?? install.testCmd;
  return {
    image: localEnvironmentImageName(task.repo, envKey),
    source: 'local-build',
    ...BASE_CONTEXT,
    ...(testCmd ? { testCmd } : {}),
    repoInImage: false,
    build,
    envKey,
  };
}

/**
 * Why a local build cannot make this environment, or undefined when it can: the base image offers
 * one Python, and an instance that asks for another cannot be built on it.
 */
export function buildProblem(build: EnvironmentBuildSpec): string | undefined {
  if (build.python && !samePythonVersion(build.python, build.basePython)) {
    return (
      `task ${build.instanceId}: its environment asks for Python ${build.python}, but local builds use ` +
      `the base image ${build.baseImage} with Python ${build.basePython}; use its published image or a base image with Python ${build.python}`
    );
  }
  return undefined;
}

/** "3.11" matches "3.11" and "3.11.2"; "3.1" does not match "3.11". */
export function samePythonVersion(wanted: string, have: string): boolean {
  const parts = (v: string) => v.trim().split('.');
  const [a, b] = [parts(wanted), parts(have)];
  return a.slice(0, 2).join('.') === b.slice(0, 2).join('.');
}

/** The uid an exec user (`uid:gid`, `uid`, or `root`) runs as. */
export function uidOf(user: string): number {
  const name = user.split(':')[0];
  if (name === 'root') return 0;
  const uid = Number(name);
  if (!Number.isInteger(uid) || uid < 0) throw new Error(`cannot tell the uid of exec user ${user}`);
  return uid;
}

/** One line about an environment, for logs. */
export function describeEnvironment(env: Environment): string {
  const key = env.envKey ? ` env ${env.envKey.slice(0, 12)}` : '';
  return `${env.source}${key} image ${env.image} as ${env.user}${env.activate ? ' (activated)' : ''}`;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
