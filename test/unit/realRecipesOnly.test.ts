import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The project ships no upstream code: tasks/real holds recipes, test ids and our own problem
 * statements, plus the builder that derives everything else from pinned sdists at setup.
 */
function notARecipeFile(file: string): boolean {
  const parts = file.split('/');
  if (parts[0] !== 'tasks' || parts[1] !== 'real') return true;
  const rest = parts.slice(2);
  if (rest.length === 1) return !['README.md', 'build.py', 'check.py'].includes(rest[0]);
  if (rest.length === 2 && rest[0] === 'recipe_tools') return !/^[a-z_]+\.py$/.test(rest[1]);
  if (rest.length === 2) return !['recipe.json', 'problem_statement.md'].includes(rest[1]);
  return true;
}

describe('tasks/real holds recipes only', () => {
  it('tracks (or is about to track) nothing but recipes, problem statements, the README and the builder', () => {
    const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'tasks/real'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    // A file deleted in the working tree but still in the last commit is on its way out.
    const present = listed.filter((file) => existsSync(path.join(ROOT, file)));
    expect(present).toContain('tasks/real/build.py');
    expect(present.filter(notARecipeFile)).toEqual([]);
  });

  it('tells recipe files from copied upstream files', () => {
    expect(notARecipeFile('tasks/real/acme__demo-1/recipe.json')).toBe(false);
    expect(notARecipeFile('tasks/real/acme__demo-1/problem_statement.md')).toBe(false);
    expect(notARecipeFile('tasks/real/recipe_tools/patches.py')).toBe(false);
    expect(notARecipeFile('tasks/real/acme__demo-1/fix.patch')).toBe(true);
    expect(notARecipeFile('tasks/real/acme__demo-1/source/demo/core.py')).toBe(true);
    expect(notARecipeFile('tasks/real/acme__demo-1/build.py')).toBe(true);
    expect(notARecipeFile('tasks/real/recipe_tools/vendored/six.py')).toBe(true);
  });
});
