import { ApplicationFailure } from '@temporalio/common';
import { BASE_PYTHON, resolveEnvironment, type Environment, type EnvironmentTask } from '../../core/environment/resolveEnvironment';
import { DEFAULT_SANDBOX_IMAGE } from '../../core/sandboxSpec';
import { docker, isDockerStatus } from './dockerClient';
import { EnvironmentBuildError, buildLocalEnvironment } from './environmentBuild';

export type EnsureStatus = 'cached' | 'built' | 'pulled';

export interface EnsuredEnvironment {
  /** The environment sandboxes run in (the fallback's, when the first choice could not be had). */
  environment: Environment;
  status: EnsureStatus;
  seconds: number;
  /** What a local build did not do as the record asked (pre_install, ...). */
  warnings: string[];
}

export interface EnsureOptions {
  reposDir?: string;
  /** Progress lines of a build (pip, docker). */
  log?: (line: string) => void;
}

/** SWE_RL_PULL_IMAGES: pull published images (default on; 0, false, off or no turn it off). */
export function pullingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(0|false|off|no)$/i.test((env.SWE_RL_PULL_IMAGES ?? '').trim());
}

/** SWE_RL_PULL_TIMEOUT_SECONDS: how long a registry may take to answer a pull (default 30). */
function pullAnswerTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.SWE_RL_PULL_TIMEOUT_SECONDS ?? 30);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

/** The base image of local builds and plain tasks: SWE_RL_SANDBOX_IMAGE (as infra/env.sh), else the default. */
export function baseImageName(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWE_RL_SANDBOX_IMAGE || DEFAULT_SANDBOX_IMAGE;
}

/** The engine's id of an image, or undefined when it is not on this host. */
export async function imageId(image: string): Promise<string | undefined> {
  try {
    return (await docker().getImage(image).inspect()).Id;
  } catch (err) {
    if (isDockerStatus(err, 404)) return undefined;
    throw err;
  }
}

/**
 * The instance's environment as resolved against this host's base image (its id is part of local
 * environments' keys). `image` overrides the base image (a run config's sandbox.image).
 */
export async function resolveTaskEnvironment(task: EnvironmentTask, options: { baseImage?: string } = {}): Promise<Environment> {
  const baseImage = options.baseImage ?? baseImageName();
  const baseImageId = await imageId(baseImage);
  try {
    return resolveEnvironment(task, { baseImage, baseImageId, basePython: BASE_PYTHON, pull: pullingEnabled() });
  } catch (err) {
    // An unreadable install spec reads the same on every retry.
    throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
  }
}

/** Resolves the task's environment and makes sure its image is on this host. */
export async function environmentForTask(task: EnvironmentTask, options: EnsureOptions & { baseImage?: string } = {}): Promise<Environment> {
  return (await ensureEnvironmentImage(await resolveTaskEnvironment(task, options), options)).environment;
}

/** Thrown (non-retryable) when no image can be had for an environment. */
export function environmentUnavailable(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'EnvironmentUnavailable');
}

const inFlight = new Map<string, Promise<EnsuredEnvironment>>();
const failedPulls = new Map<string, { until: number; message: string }>();
const FAILED_PULL_MEMORY_MS = 10 * 60_000;

/**
 * The image to run an environment in, on this host: present -> used; a named or published image
 * -> pulled when pulling is on, else its fallback (the local build); a local environment -> built
 * once (single-flight per image within the process; a build another process finished meanwhile
 * is found by the check of the tag before building). Nothing -> EnvironmentUnavailable (non-retryable).
 */
export function ensureEnvironmentImage(env: Environment, options: EnsureOptions = {}): Promise<EnsuredEnvironment> {
  const running = inFlight.get(env.image);
  if (running) return running.then((done) => ({ ...done, status: 'cached' as const, seconds: 0 }));
  const work = ensure(env, options).finally(() => inFlight.delete(env.image));
  inFlight.set(env.image, work);
  return work;
}

async function ensure(env: Environment, options: EnsureOptions): Promise<EnsuredEnvironment> {
  const started = Date.now();
  const done = (environment: Environment, status: EnsureStatus, warnings: string[] = []): EnsuredEnvironment => {
    const { fallback: _fallback, ...effective } = environment;
    return { environment: effective, status, seconds: (Date.now() - started) / 1000, warnings };
  };
  if (await imageId(env.image)) return done(env, 'cached', env.build?.unsupported ?? []);

  if (env.source === 'base') {
    throw environmentUnavailable(`sandbox image ${env.image} not found on this Docker host; build it with infra/sandbox-image.sh`);
  }

  if (env.source === 'local-build') {
    try {
      const built = await buildLocalEnvironment(env, options);
      return done(env, built.reused ? 'cached' : 'built', built.warnings);
    } catch (err) {
      // Another process may have built the same environment meanwhile.
      if (await imageId(env.image)) return done(env, 'cached', env.build?.unsupported ?? []);
      if (err instanceof EnvironmentBuildError) throw environmentUnavailable(`sandbox image ${env.image} not found on this Docker host and its local build failed: ${err.message}`);
      throw err;
    }
  }

  let pullProblem = 'pulling images is off (SWE_RL_PULL_IMAGES)';
  if (pullingEnabled()) {
    try {
      options.log?.(`pulling ${env.image}`);
      await pullImage(env.image);
      return done(env, 'pulled');
    } catch (err) {
      pullProblem = `pulling it failed: ${(err as Error).message}`;
    }
  }
  if (env.fallback) {
    options.log?.(`${env.image}: ${pullProblem}; using the local build ${env.fallback.image}`);
    const local = await ensureEnvironmentImage(env.fallback, options);
    return { ...local, seconds: (Date.now() - started) / 1000 };
  }
  throw environmentUnavailable(`sandbox image ${env.image} not found on this Docker host; ${pullProblem}`);
}

/**
 * `docker pull`: the registry must answer within SWE_RL_PULL_TIMEOUT_SECONDS; a failure is
 * remembered for ten minutes, so gradings do not each wait for a registry that is not there.
 */
async function pullImage(image: string): Promise<void> {
  const failed = failedPulls.get(image);
  if (failed && failed.until > Date.now()) throw new Error(`${failed.message} (remembered from an earlier try)`);
  try {
    await pullOnce(image);
    failedPulls.delete(image);
  } catch (err) {
    failedPulls.set(image, { until: Date.now() + FAILED_PULL_MEMORY_MS, message: (err as Error).message });
    throw err;
  }
}

async function pullOnce(image: string): Promise<void> {
  const timeoutMs = pullAnswerTimeoutMs();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker().pull(image, { abortSignal: abort.signal })) as NodeJS.ReadableStream;
  } catch (err) {
    if (abort.signal.aborted) throw new Error(`no registry answered within ${timeoutMs / 1000}s`);
    throw new Error(firstLine((err as Error).message));
  } finally {
    clearTimeout(timer);
  }
  const messages = await new Promise<{ error?: string }[]>((resolve, reject) => {
    docker().modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => (err ? reject(err) : resolve(output)));
  });
  const failed = messages.find((m) => m.error);
  if (failed) throw new Error(firstLine(failed.error ?? 'pull failed'));
  if (!(await imageId(image))) throw new Error('the pull finished without the image');
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0].replace(/^\(HTTP code \d+\) [a-z ]+- /, '');
}
