import { createHash } from 'node:crypto';

/** Repository of the images swe-rl builds locally, one tag per environment. */
export const LOCAL_ENV_REPOSITORY = 'swe-rl-env';

/**
 * The instance part of SWE-bench's image names: `__` becomes `_1776_` (image names allow no double
 * underscore) and the whole name is lowercase.
 */
export function publishedInstanceName(instanceId: string): string {
  return instanceId.replace(/__/g, '_1776_').toLowerCase();
}

/** SWE-bench's per-instance evaluation image. */
export function sweBenchImageName(instanceId: string): string {
  return `swebench/sweb.eval.x86_64.${publishedInstanceName(instanceId)}:latest`;
}

/** SWE-rebench's per-instance evaluation image (same convention, its own namespace). */
export function sweRebenchImageName(instanceId: string): string {
  return `swerebench/sweb.eval.x86_64.${publishedInstanceName(instanceId)}:latest`;
}

/** `owner/Name` -> `owner-name`, within the characters an image tag allows. */
export function repoSlug(repo: string): string {
  const slug = repo
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 100);
  return slug || 'repo';
}

/** The locally built image of one environment: `swe-rl-env:<owner-name>-<12 hex of the key>`. */
export function localEnvironmentImageName(repo: string, envKey: string): string {
  return `${LOCAL_ENV_REPOSITORY}:${repoSlug(repo)}-${envKey.slice(0, 12)}`;
}

export interface EnvironmentKeyInput {
  /** The base image's id (preferred: a rebuilt base changes every key) or its name. */
  baseImage: string;
  repo: string;
  version?: string;
  /** normalisedInstallSpec of the record's install spec. */
  installSpec: string;
}

/**
 * The version of how swe-rl builds an environment (core/environment/dockerfile.ts,
 * activities/sandbox/environmentBuild.ts): raise it when a change there makes old images wrong.
 */
export const ENVIRONMENT_RECIPE_VERSION = 2;

/** sha256 of what decides an environment's content; equal keys share one image. */
export function environmentKey(input: EnvironmentKeyInput): string {
  const material = JSON.stringify([ENVIRONMENT_RECIPE_VERSION, input.baseImage, input.repo, input.version ?? null, input.installSpec]);
  return createHash('sha256').update(material).digest('hex');
}
