import { environmentDockerfile, projectImportPath } from '../../core/environment/dockerfile';
import { localEnvironmentImageName, publishedInstanceName, repoSlug, sweBenchImageName, sweRebenchImageName } from '../../core/environment/imageNames';
import { extrasOf, parseInstallConfig } from '../../core/environment/installConfig';

describe('image names', () => {
  it('follows the SWE-bench convention: __ -> _1776_, lowercase', () => {
    expect(publishedInstanceName('Django__Django-11099')).toBe('django_1776_django-11099');
    expect(sweBenchImageName('astropy__astropy-12907')).toBe('swebench/sweb.eval.x86_64.astropy_1776_astropy-12907:latest');
    expect(sweRebenchImageName('0b01001001__spectree-64')).toBe('swerebench/sweb.eval.x86_64.0b01001001_1776_spectree-64:latest');
  });

  it('names local environments by repository and key, within what a tag allows', () => {
    expect(repoSlug('Python-Markdown/markdown')).toBe('python-markdown-markdown');
    expect(repoSlug('.hidden/x y')).toBe('hidden-x-y');
    const name = localEnvironmentImageName('pypa/packaging', 'abcdef0123456789'.repeat(4));
    expect(name).toBe('swe-rl-env:pypa-packaging-abcdef012345');
    expect(name.split(':')[1]).toMatch(/^[a-z0-9_][a-z0-9_.-]{0,127}$/);
  });
});

describe('install_config', () => {
  it('reads SWE-bench packages: a list, requirements.txt, or a conda file', () => {
    expect(parseInstallConfig({ packages: 'numpy scipy', pip_packages: ['pytest'] }, 'x')?.pipPackages).toEqual(['pytest', 'numpy', 'scipy']);
    expect(parseInstallConfig({ packages: 'requirements.txt', reqs_path: ['requirements/test.txt'] }, 'x')).toMatchObject({
      pipPackages: [],
      requirementFiles: ['requirements/test.txt'],
    });
    expect(parseInstallConfig({ packages: 'environment.yml' }, 'x')?.condaEnvironmentFile).toBe('environment.yml');
  });

  it('accepts lists of commands, nulls and numeric versions', () => {
    const spec = parseInstallConfig({ python: 3.11, install: ['pip install -e .', 'pip install tox'], pre_install: null, test_cmd: ['pytest -rA'] }, 'x');
    expect(spec).toMatchObject({ python: '3.11', install: 'pip install -e . && pip install tox', preInstall: [], testCmd: 'pytest -rA' });
  });

  it('is undefined when the record has none', () => {
    expect(parseInstallConfig(undefined, 'x')).toBeUndefined();
    expect(parseInstallConfig(null, 'x')).toBeUndefined();
  });

  it.each([
    ['pip install -e .', []],
    ['pip install -e .[test]', ['test']],
    ['python -m pip install -e ".[test, docs]"', ['test', 'docs']],
    ["pip install '.[dev]'", ['dev']],
    ['pip install -e ./[all]', ['all']],
    ['pip install pkg[extra]', []],
  ])('extras of %s', (install, extras) => expect(extrasOf(install)).toEqual(extras));
});

describe('environmentDockerfile', () => {
  const input = { baseImage: 'swe-rl-sandbox:bookworm', envKey: 'f'.repeat(64), repo: 'acme/widgets', pipWheel: 'pip-26.3-py3-none-any.whl' };

  it('installs the wheels with pip from its wheel, without an index, then removes them', () => {
    const text = environmentDockerfile({ ...input, hasWheels: true, hasProjectMetadata: true, projectPath: '/testbed/src' });
    expect(text.split('\n')[0]).toBe('FROM swe-rl-sandbox:bookworm');
    expect(text).toMatch(/RUN python3 \/tmp\/swe-rl-pip\/pip-26\.3-py3-none-any\.whl\/pip install --no-index --find-links \/tmp\/swe-rl-wheels .*&& rm -rf \/tmp\/swe-rl-wheels/);
    // Exactly the wheels resolved at download time: no second resolution without the project's wheel.
    expect(text).toContain('--no-deps --ignore-installed');
    expect(text).toContain('COPY swe-rl-project.pth /usr/local/lib/python3.11/dist-packages/swe-rl-project.pth');
    expect(text).toContain('COPY project-metadata/ /usr/local/lib/python3.11/dist-packages/');
    expect(text).toContain(`LABEL swe-rl.env-key="${'f'.repeat(64)}" swe-rl.repo="acme/widgets"`);
  });

  it('has no install step without wheels and no .pth without a project', () => {
    const text = environmentDockerfile({ ...input, hasWheels: false, hasProjectMetadata: false });
    expect(text).not.toContain('RUN');
    expect(text).not.toContain('.pth');
  });
});

describe('projectImportPath', () => {
  it('imports from src/ for the src layout, else from the root', () => {
    expect(projectImportPath(['pyproject.toml', 'src/semver/__init__.py', 'tests/test_x.py'])).toBe('/testbed/src');
    expect(projectImportPath(['setup.py', 'src/single_module.py'])).toBe('/testbed/src');
    expect(projectImportPath(['setup.py', 'markdown/__init__.py', 'src/native/ext.c'])).toBe('/testbed');
  });
});
