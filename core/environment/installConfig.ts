import { z } from 'zod';

/**
 * How to install an instance's environment, normalised from a SWE-rebench-style `install_config`
 * (`python`, `pip_packages`, `packages`, `reqs_path`, `install`, `pre_install`, `test_cmd`).
 */
export interface InstallSpec {
  /** The Python version the record asks for ("3.11"), when it says. */
  python?: string;
  /** Requirement specifiers installed from the package index ("six==1.16.0"). */
  pipPackages: string[];
  /** Requirement files inside the repository, relative to its root. */
  requirementFiles: string[];
  /** The record's install command (e.g. `pip install -e .[test]`): the project's own dependencies. */
  install?: string;
  /** Extras named in the install command (`.[test,docs]` -> test, docs). */
  extras: string[];
  /** System-package commands (apt): not run by local builds, reported as unsupported. */
  preInstall: string[];
  /** A conda environment file the record names (`packages: environment.yml`): unsupported locally. */
  condaEnvironmentFile?: string;
  testCmd?: string;
}

/** A word list given as a list, or as one space-separated string. */
const words = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value === null ? [] : value),
  z.array(z.string()).default([]),
);

/** A list of commands or paths given as a list, or as one string. */
const list = z.preprocess(
  (value) => (typeof value === 'string' ? (value.trim() ? [value.trim()] : []) : value === null ? [] : value),
  z.array(z.string()).default([]),
);

const optionalText = z.preprocess(
  (value) => (value === null || value === '' ? undefined : typeof value === 'number' ? String(value) : value),
  z.string().optional(),
);

/** A command given as a string, or as a list of commands run one after the other. */
const commands = z.preprocess(
  (value) => (Array.isArray(value) ? value.join(' && ') : value === null || value === '' ? undefined : value),
  z.string().optional(),
);

const installConfigSchema = z.looseObject({
  python: optionalText,
  pip_packages: words,
  packages: z.preprocess((value) => (Array.isArray(value) ? value.join(' ') : value), optionalText),
  reqs_path: list,
  env_yml_path: list,
  install: commands,
  pre_install: list,
  test_cmd: commands,
});

/**
 * Normalises an `install_config` (an object, or the JSON string some published files hold);
 * undefined when the record has none. Throws with the instance id when it cannot be read.
 */
export function parseInstallConfig(value: unknown, instanceId: string): InstallSpec | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let raw = value;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new Error(`task ${instanceId}: install_config is not JSON: ${String(value).slice(0, 120)}`);
    }
  }
  const parsed = installConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new Error(`task ${instanceId}: install_config cannot be read: ${problems}`);
  }
  const config = parsed.data;
  const pipPackages = config.pip_packages.map((p) => p.trim()).filter(Boolean);
  let condaEnvironmentFile: string | undefined = config.env_yml_path[0];
  // SWE-bench's `packages`: "requirements.txt" (the files of reqs_path), "environment.yml", or a package list.
  if (config.packages && config.packages !== 'requirements.txt') {
    if (/\.ya?ml$/.test(config.packages)) condaEnvironmentFile = config.packages;
    else pipPackages.push(...config.packages.split(/\s+/).filter(Boolean));
  }
  const install = config.install?.trim() || undefined;
  return {
    ...(config.python ? { python: config.python.trim() } : {}),
    pipPackages,
    requirementFiles: config.reqs_path.map((p) => p.trim().replace(/^\.\//, '')).filter(Boolean),
    ...(install ? { install } : {}),
    extras: install ? extrasOf(install) : [],
    preInstall: config.pre_install.map((c) => c.trim()).filter(Boolean),
    ...(condaEnvironmentFile ? { condaEnvironmentFile } : {}),
    ...(config.test_cmd?.trim() ? { testCmd: config.test_cmd.trim() } : {}),
  };
}

/** Extras of the project in an install command: `pip install -e ".[test, docs]"` -> [test, docs]. */
export function extrasOf(install: string): string[] {
  const match = /(?:^|\s)["']?\.\/?\[([^\]]*)\]/.exec(install);
  if (!match) return [];
  return match[1]
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

/**
 * The parts of a spec that decide what is installed, in a stable form, for the environment key
 * (the test command does not change the image).
 */
export function normalisedInstallSpec(spec: InstallSpec): string {
  return JSON.stringify({
    python: spec.python ?? null,
    pipPackages: spec.pipPackages,
    requirementFiles: spec.requirementFiles,
    install: spec.install ?? null,
    extras: [...spec.extras].sort(),
    preInstall: spec.preInstall,
    condaEnvironmentFile: spec.condaEnvironmentFile ?? null,
  });
}
