import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CONTEXT_PIP,
  CONTEXT_PROJECT_METADATA,
  CONTEXT_WHEELS,
  PROJECT_PTH,
  environmentDockerfile,
  projectImportPath,
} from '../../core/environment/dockerfile';
import { buildProblem, samePythonVersion, WORKDIR, type Environment, type EnvironmentBuildSpec } from '../../core/environment/resolveEnvironment';
import { repoFolderName } from '../../core/tasks/taskSchema';
import { packDirectory } from './buildContext';
import { docker, isDockerStatus } from './dockerClient';
import { runHostCommand } from './hostCommand';

/** A local build that cannot succeed as asked (wrong Python, no repository, pip failed). */
export class EnvironmentBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentBuildError';
  }
}

/** The checkout's root (the folder with package.json), from the source tree or from dist/. */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/**
 * The Python that downloads wheels on the host: $SWE_RL_PYTHON, else the project's virtual
 * environment ($SWE_RL_VENV, default .venv, as infra/env.sh names it).
 */
export function hostPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWE_RL_PYTHON) return env.SWE_RL_PYTHON;
  return path.join(path.resolve(projectRoot(), env.SWE_RL_VENV || '.venv'), 'bin', 'python');
}

const PIP_TIMEOUT_MS = 30 * 60_000;
const pipEnv = (): NodeJS.ProcessEnv => ({ ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', PIP_PROGRESS_BAR: 'off' });

export interface LocalBuildResult {
  image: string;
  /** What the record asked for that the build did not do. */
  warnings: string[];
  /** Wheels installed into the image. */
  wheels: string[];
  /** Another process built the image while this one downloaded: nothing was built here. */
  reused: boolean;
}

/**
 * Builds a local environment image: downloads wheels on the host (pip_packages, requirement files,
 * and the project's own dependencies when the record installs it, read from the repository at
 * base_commit), then builds `FROM` the base image on the sandbox host's engine.
 */
export async function buildLocalEnvironment(env: Environment, options: { reposDir?: string; log?: (line: string) => void }): Promise<LocalBuildResult> {
  const build = env.build;
  if (!build || !env.envKey) throw new EnvironmentBuildError(`environment ${env.image} has no build spec`);
  const problem = buildProblem(build);
  if (problem) throw new EnvironmentBuildError(problem);
  const log = options.log ?? (() => undefined);
  const python = hostPython();
  await checkHostPython(python, build);

  const work = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-env-'));
  try {
    const context = path.join(work, 'context');
    for (const folder of [CONTEXT_WHEELS, CONTEXT_PIP, CONTEXT_PROJECT_METADATA]) mkdirSync(path.join(context, folder), { recursive: true });
    const needsRepo = build.installProject || build.requirementFiles.length > 0;
    const repoDir = needsRepo ? exportRepository(build, options.reposDir, path.join(work, 'repo')) : undefined;

    let projectWheel: string | undefined;
    if (build.installProject && repoDir) {
      log(`building the project's wheel from ${build.repo} at ${build.baseCommit.slice(0, 12)}`);
      const projectDir = path.join(work, 'project');
      await pip(python, ['wheel', '--no-deps', '-w', projectDir, repoDir], repoDir, `building ${build.repo}'s own wheel`);
      const built = readdirSync(projectDir).filter((f) => f.endsWith('.whl'));
      if (built.length !== 1) throw new EnvironmentBuildError(`building ${build.repo}'s wheel gave ${built.length} wheels`);
      projectWheel = path.join(projectDir, built[0]);
      await extractDistInfo(python, projectWheel, path.join(context, CONTEXT_PROJECT_METADATA));
    }

    const requirements = [
      ...build.pipPackages,
      ...build.requirementFiles.flatMap((file) => ['-r', path.join(repoDir!, file)]),
      ...(projectWheel ? [build.extras.length ? `${projectWheel}[${build.extras.join(',')}]` : projectWheel] : []),
    ];
    const wheelsDir = path.join(context, CONTEXT_WHEELS);
    if (requirements.length > 0) {
      log(`downloading wheels: ${[...build.pipPackages, ...build.requirementFiles.map((f) => `-r ${f}`), ...(projectWheel ? [`${build.repo}'s dependencies`] : [])].join(' ')}`);
      await pip(python, ['wheel', '-w', wheelsDir, ...requirements], repoDir ?? work, `downloading the wheels of ${build.repo}'s environment`);
      // The project itself imports from the working tree, not from an installed copy.
      if (projectWheel) rmSync(path.join(wheelsDir, path.basename(projectWheel)), { force: true });
    }
    const wheels = readdirSync(wheelsDir).filter((f) => f.endsWith('.whl')).sort();
    let pipWheel = '';
    if (wheels.length > 0) {
      const pipDir = path.join(context, CONTEXT_PIP);
      await pip(python, ['wheel', '--no-deps', '-w', pipDir, `pip==${await pipVersion(python)}`], work, 'fetching the pip wheel');
      pipWheel = readdirSync(pipDir).find((f) => /^pip-.*\.whl$/.test(f)) ?? '';
      if (!pipWheel) throw new EnvironmentBuildError('fetching the pip wheel gave no wheel');
    }

    const projectPath = build.installProject ? projectImportPath(repoFiles(options.reposDir!, build), WORKDIR) : undefined;
    if (projectPath) writeFileSync(path.join(context, PROJECT_PTH), `${projectPath}\n`);
    const hasProjectMetadata = readdirSync(path.join(context, CONTEXT_PROJECT_METADATA)).length > 0;
    writeFileSync(
      path.join(context, 'Dockerfile'),
      environmentDockerfile({ baseImage: build.baseImage, envKey: env.envKey, repo: build.repo, pipWheel, hasWheels: wheels.length > 0, hasProjectMetadata, projectPath }),
    );
    // Downloads take a while: another process may have built the same environment meanwhile.
    if (await imageExists(env.image)) {
      log(`image ${env.image} appeared meanwhile; not building it again`);
      return { image: env.image, warnings: build.unsupported, wheels, reused: true };
    }
    log(`building image ${env.image} (${wheels.length} wheels)`);
    await buildImage(context, env.image);
    return { image: env.image, warnings: build.unsupported, wheels, reused: false };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function checkHostPython(python: string, build: EnvironmentBuildSpec): Promise<void> {
  if (!existsSync(python) && python.includes('/')) {
    throw new EnvironmentBuildError(`no Python at ${python} to download wheels with; set SWE_RL_PYTHON or create the project's .venv (infra/python-env.sh)`);
  }
  const result = await runHostCommand(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { timeoutMs: 60_000 });
  const version = result.output.trim();
  if (result.code !== 0) throw new EnvironmentBuildError(`${python} does not run: ${version}`);
  if (!samePythonVersion(version, build.basePython)) {
    throw new EnvironmentBuildError(
      `${python} is Python ${version}, but the wheels must fit the base image's Python ${build.basePython}; set SWE_RL_PYTHON to a Python ${build.basePython}`,
    );
  }
}

async function pipVersion(python: string): Promise<string> {
  const result = await runHostCommand(python, ['-m', 'pip', '--version'], { timeoutMs: 60_000 });
  const version = /^pip (\S+)/.exec(result.output.trim())?.[1];
  if (result.code !== 0 || !version) throw new EnvironmentBuildError(`${python} has no pip: ${result.output.trim()}`);
  return version;
}

async function pip(python: string, args: string[], cwd: string, what: string): Promise<void> {
  const result = await runHostCommand(python, ['-m', 'pip', ...args], { cwd, env: pipEnv(), timeoutMs: PIP_TIMEOUT_MS });
  if (result.code !== 0) {
    const reason = result.timedOut ? `timed out after ${PIP_TIMEOUT_MS / 60_000} minutes` : `pip exited ${result.code}`;
    throw new EnvironmentBuildError(`${what} failed (${reason}):\n${result.output.trim().split('\n').slice(-15).join('\n')}`);
  }
}

function hostRepository(reposDir: string | undefined, build: EnvironmentBuildSpec): string {
  const needs = `task ${build.instanceId}: building its environment reads ${build.repo} at ${build.baseCommit.slice(0, 12)}`;
  if (!reposDir) throw new EnvironmentBuildError(`${needs}; give the folder of the repositories (--repos DIR)`);
  const repo = path.join(reposDir, repoFolderName(build.repo));
  if (!existsSync(path.join(repo, '.git')) && !existsSync(path.join(repo, 'HEAD'))) {
    throw new EnvironmentBuildError(`${needs}, but ${repo} is not a git repository`);
  }
  return repo;
}

/** The repository at base_commit, in a plain folder (what pip reads requirement files and metadata from). */
function exportRepository(build: EnvironmentBuildSpec, reposDir: string | undefined, into: string): string {
  const repo = hostRepository(reposDir, build);
  mkdirSync(into, { recursive: true });
  const archive = `${into}.tar`;
  const git = spawnSync('git', ['-C', repo, 'archive', '--format=tar', '-o', archive, `${build.baseCommit}^{commit}`], { encoding: 'utf8' });
  if (git.status !== 0) throw new EnvironmentBuildError(`task ${build.instanceId}: cannot read ${build.baseCommit} from ${repo}: ${git.stderr.trim()}`);
  const untar = spawnSync('tar', ['-xf', archive, '-C', into], { encoding: 'utf8' });
  if (untar.status !== 0) throw new EnvironmentBuildError(`unpacking ${build.repo} failed: ${untar.stderr.trim()}`);
  unlinkSync(archive);
  return into;
}

function repoFiles(reposDir: string, build: EnvironmentBuildSpec): string[] {
  const listed = spawnSync('git', ['-C', hostRepository(reposDir, build), 'ls-tree', '-r', '--name-only', `${build.baseCommit}^{commit}`], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (listed.status !== 0) throw new EnvironmentBuildError(`listing ${build.repo} at ${build.baseCommit} failed: ${listed.stderr.trim()}`);
  return listed.stdout.split('\n').filter(Boolean);
}

/**
 * The project's dist-info (name, version, entry points) without its RECORD: importlib.metadata
 * finds the project as an editable install would leave it, while its code comes from /testbed.
 */
async function extractDistInfo(python: string, wheel: string, into: string): Promise<void> {
  const script = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'for n in z.namelist():',
    '    top = n.split("/")[0]',
    '    if top.endswith(".dist-info") and not n.endswith("/RECORD"): z.extract(n, sys.argv[2])',
  ].join('\n');
  const result = await runHostCommand(python, ['-c', script, wheel, into], { timeoutMs: 60_000 });
  if (result.code !== 0) throw new EnvironmentBuildError(`reading the metadata of ${path.basename(wheel)} failed: ${result.output.trim()}`);
}

interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** `docker build` of the context folder through the engine's API, failing with the build's last lines. */
async function buildImage(context: string, tag: string): Promise<void> {
  // Everything was downloaded on the host: the build's RUN steps need no network, so they get none
  // (and do not depend on the engine's bridge network, which an engine restart can leave broken).
  const stream = await docker().buildImage(packDirectory(context), { t: tag, rm: true, forcerm: true, networkmode: 'none' });
  const messages = await new Promise<BuildMessage[]>((resolve, reject) => {
    docker().modem.followProgress(stream, (err: Error | null, output: BuildMessage[]) => (err ? reject(err) : resolve(output)));
  });
  const failed = messages.find((m) => m.error || m.errorDetail);
  if (failed) {
    const tail = messages
      .map((m) => m.stream ?? '')
      .join('')
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
    throw new EnvironmentBuildError(`building image ${tag} failed: ${failed.errorDetail?.message ?? failed.error}\n${tail}`);
  }
}

async function imageExists(image: string): Promise<boolean> {
  try {
    await docker().getImage(image).inspect();
    return true;
  } catch (err) {
    if (isDockerStatus(err, 404)) return false;
    throw err;
  }
}
