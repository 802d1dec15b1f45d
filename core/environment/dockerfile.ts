/** Where the base image's Python looks for packages installed into /usr/local (Debian's layout). */
export const SITE_PACKAGES = '/usr/local/lib/python3.11/dist-packages';
export const ENV_KEY_LABEL = 'swe-rl.env-key';
export const ENV_REPO_LABEL = 'swe-rl.repo';

/** The folders of a build context, as environmentBuild.ts lays it out. */
export const CONTEXT_WHEELS = 'wheels';
export const CONTEXT_PIP = 'pip';
export const CONTEXT_PROJECT_METADATA = 'project-metadata';
export const PROJECT_PTH = 'swe-rl-project.pth';

export interface EnvironmentDockerfileInput {
  baseImage: string;
  envKey: string;
  repo: string;
  /** File name of the pip wheel in `pip/`, which installs the others (the base image has no pip). */
  pipWheel: string;
  /** Whether `wheels/` holds any wheel to install. */
  hasWheels: boolean;
  /** Whether `project-metadata/` holds the project's dist-info (its name, version, entry points). */
  hasProjectMetadata: boolean;
  /** Where the project imports from (a `.pth` line), when the record installs the project. */
  projectPath?: string;
}

/**
 * The Dockerfile of a local environment: the base image plus the downloaded wheels installed into
 * /usr/local with pip run from its own wheel (no index: sandboxes have no network, the host
 * downloaded everything), the wheels removed; and when the record installs its project, a `.pth`
 * that imports it from the working tree in /testbed, as an editable install would.
 */
export function environmentDockerfile(input: EnvironmentDockerfileInput): string {
  const lines = [`FROM ${input.baseImage}`];
  if (input.hasWheels) {
    const pip = `/tmp/swe-rl-pip/${input.pipWheel}/pip`;
    lines.push(
      `COPY ${CONTEXT_WHEELS}/ /tmp/swe-rl-wheels/`,
      `COPY ${CONTEXT_PIP}/ /tmp/swe-rl-pip/`,
      // The set was resolved at download time, the project included (whose own wheel is left out:
      // it may be what another package depends on, as `packaging` is for pytest), so: exactly these
      // wheels (--no-deps), over the Debian packages of the same names (--ignore-installed).
      `RUN python3 ${pip} install --no-index --find-links /tmp/swe-rl-wheels --no-deps --ignore-installed --break-system-packages ` +
        `--disable-pip-version-check --no-warn-script-location --root-user-action=ignore /tmp/swe-rl-wheels/*.whl ` +
        `&& rm -rf /tmp/swe-rl-wheels /tmp/swe-rl-pip`,
    );
  }
  if (input.hasProjectMetadata) lines.push(`COPY ${CONTEXT_PROJECT_METADATA}/ ${SITE_PACKAGES}/`);
  if (input.projectPath) lines.push(`COPY ${PROJECT_PTH} ${SITE_PACKAGES}/${PROJECT_PTH}`);
  lines.push(`LABEL ${ENV_KEY_LABEL}=${JSON.stringify(input.envKey)} ${ENV_REPO_LABEL}=${JSON.stringify(input.repo)}`);
  return lines.join('\n') + '\n';
}

/**
 * Where a repository's package imports from: `src/` when it uses the src layout (Python files
 * under src/), else its root.
 */
export function projectImportPath(repoFiles: string[], workdir = '/testbed'): string {
  const srcLayout = repoFiles.some((f) => /^src\/([^/]+\/)?[^/]+\.py$/.test(f));
  return srcLayout ? `${workdir}/src` : workdir;
}
