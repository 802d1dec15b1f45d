import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { headingAnchors, isExternal, markdownLinks } from './support/markdownLinks';

const ROOT = path.resolve(__dirname, '..', '..');

/** What a fresh clone holds: tracked files plus new ones git does not ignore. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && existsSync(path.join(ROOT, f)));
}

function repositoryPaths(files: string[]): Set<string> {
  const paths = new Set<string>(['']);
  for (const file of files) {
    for (let p = file; p !== '.' && p !== ''; p = path.posix.dirname(p)) paths.add(p);
  }
  return paths;
}

/** Why a link of `from` is broken, or null when it resolves inside the repository. */
function brokenLink(from: string, target: string, paths: Set<string>): string | null {
  if (isExternal(target)) return null;
  const [rawPath, anchor] = target.split('#', 2);
  const decoded = decodeURIComponent(rawPath.split('?')[0]);
  const resolved = decoded === '' ? from : decoded.startsWith('/') ? decoded.slice(1) : path.posix.join(path.posix.dirname(from), decoded);
  const normalised = path.posix.normalize(resolved).replace(/\/$/, '');
  if (normalised === '..' || normalised.startsWith('../')) return 'leaves the repository';
  const inRepo = normalised === '.' ? '' : normalised;
  if (!paths.has(inRepo)) return 'names nothing in the repository';
  if (anchor && inRepo.endsWith('.md') && !headingAnchors(readFileSync(path.join(ROOT, inRepo), 'utf8')).has(anchor)) {
    return `has no heading #${anchor}`;
  }
  return null;
}

describe('markdown link extraction', () => {
  const text = [
    '# Title: the `store` (on disk)',
    'See [a](docs/a.md), ![plot](img/p.png "t") and [web](https://example.org/x).',
    'Not `[code](x.md)` links.',
    '[ref]: ../outside.md',
    '```',
    '[in a fence](fenced.md)',
    '```',
    '<img src="img/q.png"> and [anchor](#title-the-store-on-disk)',
    '## Title: the `store` (on disk)',
  ].join('\n');

  it('finds inline links, images, references and HTML, and skips code', () => {
    expect(markdownLinks(text).map((l) => `${l.line}:${l.target}`)).toEqual([
      '2:docs/a.md',
      '2:img/p.png',
      '2:https://example.org/x',
      '4:../outside.md',
      '8:#title-the-store-on-disk',
      '8:img/q.png',
    ]);
  });

  it('derives heading anchors the way GitHub does, numbering repeats', () => {
    expect([...headingAnchors(text)]).toEqual(['title-the-store-on-disk', 'title-the-store-on-disk-1']);
  });

  it('reports a missing file, a missing heading and a link out of the repository', () => {
    const paths = repositoryPaths(['README.md', 'docs/a.md']);
    expect(brokenLink('docs/a.md', '../README.md', paths)).toBeNull();
    expect(brokenLink('README.md', 'docs/', paths)).toBeNull();
    expect(brokenLink('README.md', 'docs/missing.md', paths)).toBe('names nothing in the repository');
    expect(brokenLink('README.md', '../shared/ARCHITECTURE.md', paths)).toBe('leaves the repository');
    expect(brokenLink('docs/a.md', '../README.md#no-such-heading', paths)).toBe('has no heading #no-such-heading');
  });
});

describe('the repository documentation', () => {
  const files = repositoryFiles();
  const paths = repositoryPaths(files);
  const markdown = files.filter((f) => f.endsWith('.md'));

  it('has Markdown files to check', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
  });

  it('links only to files and folders a fresh clone has, and to headings that exist', () => {
    const broken = markdown.flatMap((file) =>
      markdownLinks(readFileSync(path.join(ROOT, file), 'utf8')).flatMap(({ line, target }) => {
        const why = brokenLink(file, target, paths);
        return why ? [`${file}:${line} ${target} ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('never points outside the repository, not even in plain text', () => {
    const outside = markdown.filter((file) => /\.\.\/shared\//.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(outside).toEqual([]);
  });
});
