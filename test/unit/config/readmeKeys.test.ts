import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runConfigJsonSchema } from '../../../core/config/runConfigJsonSchema';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema };
const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Every key path of the schema: `stages[].groupSize`, `sandbox.limits.cpus`, sections too. */
function schemaKeys(node: JsonSchema, at = ''): string[] {
  const own = Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const here = at ? `${at}.${key}` : key;
    const inner = child.items?.properties ? schemaKeys(child.items, `${here}[]`) : schemaKeys(child, here);
    return [here, ...inner];
  });
  return own;
}

/** The keys named in the first column of configs/README.md's key table; `a.b`, `c` means `a.b`, `a.c`. */
function documentedKeys(): string[] {
  const text = readFileSync(path.join(ROOT, 'configs', 'README.md'), 'utf8');
  const table = text.slice(text.indexOf('## Keys'));
  return table.split('\n').filter((l) => l.startsWith('| `')).flatMap((line) => {
    const names = [...line.split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const prefix = names[0].includes('.') ? names[0].slice(0, names[0].lastIndexOf('.') + 1) : '';
    return names.map((n, i) => (i > 0 && !n.includes('.') ? prefix + n : n));
  });
}

describe('configs/README.md key table', () => {
  const documented = documentedKeys();
  const keys = schemaKeys(runConfigJsonSchema() as JsonSchema);

  it('names only keys the schema has', () => {
    expect(documented.filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('describes every key, or the section holding it', () => {
    const covered = (key: string) => documented.some((d) => key === d || key.startsWith(`${d}.`) || key.startsWith(`${d}[]`));
    const sections = new Set(keys.map((k) => k.replace(/(\[\])?\.[^.]+$/, '')));
    expect(keys.filter((k) => !covered(k) && !sections.has(k))).toEqual([]);
  });
});
